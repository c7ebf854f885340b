package transferlab.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.FilterResult;

/**
 * Builds and tests a student tree inside this JVM, without Maven: javac (javax.tools) compiles
 * every module's sources into one directory, and the JUnit Platform Launcher runs chosen test
 * classes in a fresh class loader over it. An overlay (a few sources compiled again, with some
 * regions restored) goes in front of the tree's classes, so one compiled tree serves every step.
 */
final class InProcessBuild {
    /** A test's outcome: failed beats aborted beats passed, across a parameterized method's invocations. */
    enum Outcome { PASSED, ABORTED, FAILED }

    /** Outcomes by {@code Class#method} (simple class name), and {@code Class} for a class that failed whole. */
    record Results(Map<String, Outcome> outcomes, Map<String, String> firstFailure) {
        Set<String> failed() {
            return outcomes.entrySet().stream().filter(e -> e.getValue() == Outcome.FAILED).map(Map.Entry::getKey)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
        }
    }

    /** A test that takes this long is named in the output: the proof's time is a budget. */
    private static final long SLOW_MILLIS = 2000;
    /**
     * Where the slow tests are named: the stdout of the JVM's start. A test of another stage,
     * running meanwhile, may have swapped System.out to capture its program's output, and a line of
     * ours in there fails it (UpdateClientClosedWithoutOfferTest did, on a loaded machine).
     */
    private static final java.io.PrintStream REPORT = System.out;
    private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();
    private final Path work;
    private final List<Path> libraries;
    private final Path classes;
    private final Path testClasses;
    private final Map<String, String> testClassesByModule = new TreeMap<>();
    /**
     * Test classes that use JVM-wide state, so that the stages' runs, side by side in this JVM, must
     * take turns with them: they start the program under test as a process with "java -cp
     * ${java.class.path}", or swap System.out to read a command's output (a stage 1 upload's lines
     * once landed in a stage 2 test's capture, and its own went elsewhere).
     */
    private final Set<String> startingProcesses = new java.util.TreeSet<>();
    /** Held by a run of such classes: java.class.path and System.out are one per JVM. */
    private static final java.util.concurrent.locks.ReentrantLock CLASS_PATH =
            new java.util.concurrent.locks.ReentrantLock();
    private final java.util.concurrent.atomic.AtomicInteger overlays = new java.util.concurrent.atomic.AtomicInteger();

    InProcessBuild(Path work, List<Path> libraries) {
        this.work = work;
        this.libraries = libraries;
        this.classes = work.resolve("classes");
        this.testClasses = work.resolve("test-classes");
    }

    /** The jars the student tree compiles against: this module's test class path, written by Maven. */
    static List<Path> librariesOfThisModule() throws IOException {
        Path file = Path.of("target/student-tree.classpath");
        if (!Files.exists(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " is missing: run through Maven (mvn verify)");
        }
        return java.util.Arrays.stream(Files.readString(file).strip().split(java.io.File.pathSeparator))
                .filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    /** Compiles every module's main sources, then their test sources; copies their resources. */
    void compile(Map<String, byte[]> files) throws IOException {
        Map<String, String> main = new TreeMap<>();
        Map<String, String> test = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            String path = file.getKey();
            int src = path.indexOf("/src/");
            if (src < 0) {
                continue;
            }
            String inModule = path.substring(src + 1);
            String module = path.substring(0, src);
            if (inModule.startsWith("src/main/java/") && path.endsWith(".java")) {
                main.put(path, StudentTree.text(file.getValue()));
            } else if (inModule.startsWith("src/test/java/") && path.endsWith(".java")) {
                test.put(path, StudentTree.text(file.getValue()));
                String className = inModule.substring("src/test/java/".length(), inModule.length() - ".java".length())
                        .replace('/', '.');
                testClassesByModule.merge(module, className, (a, b) -> a + "," + b);
                String source = StudentTree.text(file.getValue());
                if (source.contains("\"java.class.path\"") || source.contains("System.setOut(")) {
                    startingProcesses.add(className);
                }
            } else if (inModule.startsWith("src/main/resources/")) {
                copy(file.getValue(), classes.resolve(inModule.substring("src/main/resources/".length())));
            } else if (inModule.startsWith("src/test/resources/")) {
                copy(file.getValue(), testClasses.resolve(inModule.substring("src/test/resources/".length())));
            }
        }
        javac(main, classes, libraries);
        List<Path> withMain = new ArrayList<>(libraries);
        withMain.add(0, classes);
        javac(test, testClasses, withMain);
    }

    /**
     * Compiles {@code sources} (path → text) again into a new overlay directory, against the tree
     * and the overlays before it; returns the directory, to put in front of {@code below}.
     */
    Path overlay(Map<String, String> sources, List<Path> below) throws IOException {
        Path dir = work.resolve("overlay-" + overlays.incrementAndGet());
        List<Path> classPath = new ArrayList<>(below);
        classPath.add(testClasses);
        classPath.add(classes);
        classPath.addAll(libraries);
        javac(sources, dir, classPath);
        return dir;
    }

    /**
     * The test classes of {@code module} that Surefire would run (Test*, *Test, *Tests, *TestCase),
     * as fully qualified names.
     */
    List<String> testClassesOf(String module) {
        String all = testClassesByModule.get(module);
        if (all == null) {
            return List.of();
        }
        return java.util.Arrays.stream(all.split(",")).filter(name -> {
            String simple = name.substring(name.lastIndexOf('.') + 1);
            return simple.startsWith("Test") || simple.endsWith("Test") || simple.endsWith("Tests")
                    || simple.endsWith("TestCase");
        }).sorted().toList();
    }

    /** The fully qualified name of the test class with this simple name, in any module. */
    String testClassNamed(String simpleName) {
        List<String> found = testClassesByModule.values().stream()
                .flatMap(all -> java.util.Arrays.stream(all.split(",")))
                .filter(name -> name.endsWith("." + simpleName)).toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException("test class " + simpleName + ": found " + found);
        }
        return found.get(0);
    }

    /**
     * Runs {@code testClasses} in a fresh class loader over {@code overlays} (first wins), the tree's
     * test classes and its classes; only test methods {@code include} accepts run.
     */
    Results run(List<Path> overlays, List<String> testClassNames, Predicate<String> include) {
        List<String> starting = testClassNames.stream().filter(startingProcesses::contains).toList();
        if (starting.isEmpty() || starting.size() == testClassNames.size()) {
            return runClasses(overlays, testClassNames, include, !starting.isEmpty());
        }
        // The classes that use JVM-wide state run apart, so that they hold the lock only briefly.
        Results others = runClasses(overlays, testClassNames.stream().filter(n -> !starting.contains(n)).toList(),
                include, false);
        Results spawning = runClasses(overlays, starting, include, true);
        Map<String, Outcome> outcomes = new TreeMap<>(others.outcomes());
        outcomes.putAll(spawning.outcomes());
        Map<String, String> failures = new TreeMap<>(others.firstFailure());
        failures.putAll(spawning.firstFailure());
        return new Results(outcomes, failures);
    }

    private Results runClasses(List<Path> overlays, List<String> testClassNames, Predicate<String> include,
                               boolean startsProcesses) {
        List<Path> roots = new ArrayList<>(overlays);
        roots.add(testClasses);
        roots.add(classes);
        URL[] urls = roots.stream().map(InProcessBuild::url).toArray(URL[]::new);
        Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
        Map<String, String> firstFailure = new ConcurrentHashMap<>();
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        // Some tests start the program under test as a process with "java -cp ${java.class.path}":
        // for the run, that path is the student tree's, as under Surefire.
        // One JVM-wide property: runs that need it take turns; other runs may go side by side.
        String classPathBefore = System.getProperty("java.class.path");
        if (startsProcesses) {
            CLASS_PATH.lock();
            List<Path> processClassPath = new ArrayList<>(roots);
            processClassPath.addAll(libraries);
            System.setProperty("java.class.path", processClassPath.stream().map(Path::toString)
                    .collect(Collectors.joining(java.io.File.pathSeparator)));
        }
        try (URLClassLoader loader = new URLClassLoader("student-tree", urls, getClass().getClassLoader())) {
            current.setContextClassLoader(loader);
            PostDiscoveryFilter onlyIncluded = descriptor -> {
                if (descriptor.getSource().orElse(null) instanceof MethodSource method) {
                    String key = simple(method.getClassName()) + "#" + method.getMethodName();
                    return include.test(key) ? FilterResult.included("guard") : FilterResult.excluded("not chosen");
                }
                return FilterResult.included("container");
            };
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(testClassNames.stream().map(n -> DiscoverySelectors.selectClass(loader, n)).toList())
                    .filters(onlyIncluded)
                    // Test classes run side by side (most of their time is waiting on sockets); a class
                    // that swaps System.out is @Isolated. Methods of a class keep running one by one.
                    .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                    .configurationParameter("junit.jupiter.execution.parallel.mode.default", "same_thread")
                    .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                    .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                    .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
                    .build();
            Map<String, Long> started = new ConcurrentHashMap<>();
            Launcher launcher = LauncherFactory.create(); // one per run: runs may go side by side
            launcher.execute(request, new TestExecutionListener() {
                @Override
                public void executionStarted(TestIdentifier test) {
                    started.put(test.getUniqueId(), System.nanoTime());
                }

                @Override
                public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                    long tookMillis = (System.nanoTime() - started.getOrDefault(test.getUniqueId(), System.nanoTime()))
                            / 1_000_000;
                    if (tookMillis >= SLOW_MILLIS && test.getSource().orElse(null) instanceof MethodSource) {
                        REPORT.println("proof: slow test " + keyOf(test) + " " + test.getDisplayName() + ": "
                                + tookMillis + " ms (" + result.getStatus() + ")");
                    }
                    String key = keyOf(test);
                    boolean passed = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
                    if (key == null || (test.isContainer() && passed)) {
                        return;
                    }
                    Outcome outcome = switch (result.getStatus()) {
                        case SUCCESSFUL -> Outcome.PASSED;
                        case ABORTED -> Outcome.ABORTED;
                        case FAILED -> Outcome.FAILED;
                    };
                    outcomes.merge(key, outcome, (a, b) -> a.compareTo(b) >= 0 ? a : b);
                    result.getThrowable().ifPresent(t -> firstFailure.putIfAbsent(key, firstLine(t)));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            current.setContextClassLoader(before);
            if (startsProcesses) {
                System.setProperty("java.class.path", classPathBefore);
                CLASS_PATH.unlock();
            }
        }
        return new Results(new TreeMap<>(outcomes), new TreeMap<>(firstFailure));
    }

    private static String keyOf(TestIdentifier test) {
        Object source = test.getSource().orElse(null);
        if (source instanceof MethodSource method) {
            return simple(method.getClassName()) + "#" + method.getMethodName();
        }
        if (source instanceof ClassSource type) {
            return simple(type.getClassName());
        }
        return null;
    }

    private static String simple(String className) {
        String afterPackage = className.substring(className.lastIndexOf('.') + 1);
        int nested = afterPackage.indexOf('$');
        return nested < 0 ? afterPackage : afterPackage.substring(0, nested);
    }

    /** The exception's class and the first lines of its message, on one line. */
    private static String firstLine(Throwable t) {
        String text = t.toString().replaceAll("\\s*\n\\s*", " ").strip();
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    private static void javac(Map<String, String> sources, Path out, List<Path> classPath) throws IOException {
        Files.createDirectories(out);
        if (sources.isEmpty()) {
            return;
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = JAVAC.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<JavaFileObject> units = sources.entrySet().stream()
                    .map(e -> (JavaFileObject) new Source(e.getKey(), e.getValue())).toList();
            List<String> options = List.of("-d", out.toString(), "--release", "17", "-proc:none", "-nowarn",
                    "-encoding", "UTF-8", "-classpath",
                    classPath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)));
            boolean ok = JAVAC.getTask(null, files, diagnostics, options, null, units).call();
            if (!ok) {
                String errors = diagnostics.getDiagnostics().stream()
                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                        .collect(Collectors.joining("\n"));
                throw new AssertionError("the student tree does not compile:\n" + errors);
            }
        }
    }

    private static void copy(byte[] bytes, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.write(target, bytes);
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A source file held in memory, named by its path in the tree (javac checks the class name against it). */
    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(String path, String text) {
            super(URI.create("string:///" + path), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }
}
