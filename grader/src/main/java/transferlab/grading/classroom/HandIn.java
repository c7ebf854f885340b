package transferlab.grading.classroom;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import transferlab.grading.stage.StageCheck;
import transferlab.grading.stage.StageProfile;
import transferlab.grading.program.CommandLineTemplate;

/**
 * One student's hand-in, as check-class and the Gradescope autograder see it, and how it is built
 * and run. The rule (resources/grading.md, "Which hand-in is which"):
 * <ol>
 *   <li>the folder, or its only subfolder (a zip of a folder unpacks so), holds {@code pom.xml} and
 *       {@code transfer}: a <b>Java</b> hand-in, a student tree. The grader compiles its stage
 *       modules with javac (no Maven: no network, no plugins of the student's) and runs each part's
 *       kit command on those classes, main classes from this kit's launcher table;</li>
 *   <li>else it holds the stage's Python starters (python/STAGE/FILE, STAGE/FILE or FILE, from
 *       grading/handins.csv): a <b>Python</b> hand-in, checked for syntax errors first;</li>
 *   <li>else, when the instructor gave templates ({@code --cmd PART=TEMPLATE}, {@code {submission}}
 *       for the hand-in's folder): <b>another language</b>, run as the templates say;</li>
 *   <li>else nothing to grade: "did not build", saying what was looked for.</li>
 * </ol>
 * The hand-in is graded from a copy (regular files only: a symbolic link is left out), so neither
 * the build nor the program changes what the student handed in.
 */
public final class HandIn {
    /** The kit's modules a student tree's commands run from, in build order. */
    static final List<String> STAGE_MODULES = List.of("single-client", "multi-client", "parallel-transfer");
    static final String PYTHON_TABLE = "/grading/handins.csv";
    private static final Set<String> NOT_COPIED = Set.of(".git", "target", "__pycache__", "node_modules");
    /** Generous: on a machine grading several submissions at once javac has taken minutes. */
    private static final Duration BUILD_LIMIT = Duration.ofSeconds(600);
    private static final int SHOWN_ERROR_LINES = 40;

    /** What kind of hand-in a folder is. */
    public enum Kind {
        JAVA("Java (a student tree)"), PYTHON("Python (the starters' layout)"), TEMPLATE("the instructor's templates"),
        NONE("nothing to grade");

        final String description;

        Kind(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /**
     * The outcome of building: the part commands to grade with, or the build's own errors.
     *
     * @param errors javac's error lines or Python's traceback; empty when it built
     */
    public record Build(Kind kind, Map<String, String> commands, String errors, Duration took) {
        public boolean built() {
            return errors.isEmpty();
        }
    }

    private HandIn() {
    }

    /** Which kind {@code root} is, by the rule above. */
    public static Kind kind(Path root, String stage, Map<String, String> templates) {
        if (Files.isRegularFile(root.resolve("pom.xml"), LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(root.resolve("transfer"), LinkOption.NOFOLLOW_LINKS)) {
            return Kind.JAVA;
        }
        if (!pythonPrograms(root, stage).isEmpty()) {
            return Kind.PYTHON;
        }
        return templates.isEmpty() ? Kind.NONE : Kind.TEMPLATE;
    }

    /** The folder to grade: the submission, or its only subfolder when it holds nothing else. */
    public static Path root(Path submission) throws IOException {
        try (Stream<Path> entries = Files.list(submission)) {
            List<Path> visible = entries.filter(entry -> !entry.getFileName().toString().startsWith(".")).toList();
            if (visible.size() == 1 && Files.isDirectory(visible.get(0), LinkOption.NOFOLLOW_LINKS)) {
                return visible.get(0);
            }
        }
        return submission;
    }

    /**
     * Copies the hand-in into {@code work}/handin and builds it there; {@code templates} are the
     * instructor's part commands for other languages.
     */
    public static Build build(Path submission, StageProfile profile, Map<String, String> templates, Path work)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        Path copy = work.resolve("handin");
        copyRegularFiles(root(submission), copy);
        Kind kind = kind(copy, profile.stage(), templates);
        Map<String, String> commands = new LinkedHashMap<>();
        String errors = switch (kind) {
            case JAVA -> buildJava(copy, profile, work, commands);
            case PYTHON -> checkPython(copy, profile.stage(), commands);
            case TEMPLATE -> {
                templates.forEach((part, template) -> commands.put(part, template.replace("{submission}",
                        CommandLineTemplate.shellQuoted(copy.toString()))));
                yield "";
            }
            case NONE -> "the submission holds neither a student tree (pom.xml and transfer at its top) nor the "
                    + profile.stage() + " Python starters (python/" + profile.stage() + "/"
                    + String.join(", ", pythonFiles(profile.stage()).values()) + ")";
        };
        return new Build(kind, commands, errors, Duration.ofNanos(System.nanoTime() - started));
    }

    /** javac over the student tree's stage modules; the commands run those classes. */
    private static String buildJava(Path tree, StageProfile profile, Path work, Map<String, String> commands)
            throws IOException, InterruptedException {
        List<Path> sources = new ArrayList<>();
        List<String> runPath = new ArrayList<>();
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        runPath.add(classes.toString());
        for (String module : STAGE_MODULES) {
            Path main = tree.resolve(module).resolve("src/main");
            if (Files.isDirectory(main.resolve("java"))) {
                try (Stream<Path> walk = Files.walk(main.resolve("java"))) {
                    walk.filter(file -> file.toString().endsWith(".java") && Files.isRegularFile(file))
                            .forEach(sources::add);
                }
            }
            if (Files.isDirectory(main.resolve("resources"))) {
                runPath.add(main.resolve("resources").toString());
            }
        }
        if (sources.isEmpty()) {
            return "the student tree has no Java sources in " + String.join(", ", STAGE_MODULES);
        }
        String libraries = libraries();
        Path argFile = work.resolve("javac-sources.txt");
        Files.write(argFile, sources.stream().map(source -> "\"" + source.toString().replace("\\", "\\\\") + "\"")
                .toList());
        Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
        Path log = work.resolve("build.log");
        Process process = new ProcessBuilder(javac.toString(), "-proc:none", "-nowarn", "-encoding", "UTF-8",
                "-J-XX:TieredStopAtLevel=1", "-d", classes.toString(), "-cp", libraries, "@" + argFile)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(BUILD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "javac did not finish within " + BUILD_LIMIT.toSeconds() + " s";
        }
        if (process.exitValue() != 0) {
            return javacErrors(Files.readString(log, StandardCharsets.UTF_8), tree);
        }
        // The libraries go beside the classes: the box a graded program runs in shows it the folder
        // its command names (work/), not the grader's Maven repository or a private /tmp of ours.
        Path lib = Files.createDirectories(work.resolve("lib"));
        int n = 0;
        for (String library : libraries.split(File.pathSeparator)) {
            if (!library.isEmpty()) {
                Path copy = lib.resolve((n++) + "-" + Path.of(library).getFileName());
                Files.copy(Path.of(library), copy);
                runPath.add(copy.toString());
            }
        }
        Function<String, String> java = StageCheck.commandsOn(classPathJar(work, runPath).toString());
        for (StageProfile.Part part : profile.parts()) {
            if (!part.command().isBlank()) {
                commands.put(part.name(), java.apply(part.command()));
            }
        }
        return "";
    }

    /**
     * A jar that holds only a manifest naming the class path: the command lines stay short enough
     * to read in a report (as Surefire's booter jar does).
     */
    private static Path classPathJar(Path work, List<String> entries) throws IOException {
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, String.join(" ",
                entries.stream().filter(entry -> !entry.isEmpty()).map(entry -> {
                    Path path = Path.of(entry);
                    return path.toUri().toString();
                }).toList()));
        Path jar = work.resolve("classpath.jar");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar),
                manifest)) {
            out.flush();
        }
        return jar;
    }

    /** javac's own lines, the hand-in's paths made relative to it, at most a screenful. */
    static String javacErrors(String log, Path tree) {
        List<String> lines = log.replace(tree + File.separator, "").lines().toList();
        StringBuilder shown = new StringBuilder("javac:\n");
        lines.stream().limit(SHOWN_ERROR_LINES).forEach(line -> shown.append("  ").append(line).append('\n'));
        if (lines.size() > SHOWN_ERROR_LINES) {
            shown.append("  [... ").append(lines.size() - SHOWN_ERROR_LINES).append(" more lines]\n");
        }
        return shown.toString().stripTrailing();
    }

    /** The grader's own libraries (picocli, Jackson, progressbar, ...): its class path's jars outside this kit. */
    static String libraries() {
        Path kit = StageCheck.kitRoot();
        List<String> jars = new ArrayList<>();
        for (Path path : classPath()) {
            String name = path.getFileName().toString();
            // A kit module's jar (single-client-1.0-SNAPSHOT.jar), wherever it lies, is not a library:
            // the reference must never fill in for a class the hand-in lacks.
            boolean module = name.matches("[a-z-]+-\\d.*\\.jar")
                    && Files.isRegularFile(kit.resolve(name.replaceFirst("-\\d.*$", "")).resolve("pom.xml"));
            if (name.endsWith(".jar") && !path.startsWith(kit) && !module) {
                jars.add(path.toString());
            }
        }
        return String.join(File.pathSeparator, jars);
    }

    /**
     * The grader's class path, a manifest-only jar (Surefire's booter) expanded into the entries its
     * Class-Path names.
     */
    static List<Path> classPath() {
        List<Path> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath();
            String manifestPath = null;
            if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(path.toFile())) {
                    java.util.jar.Manifest manifest = jar.getManifest();
                    manifestPath = manifest == null ? null
                            : manifest.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
                } catch (IOException e) {
                    manifestPath = null; // not a readable jar: kept as it is
                }
            }
            entries.add(path);
            if (manifestPath == null || manifestPath.isBlank()) {
                continue;
            }
            for (String url : manifestPath.strip().split("\\s+")) {
                entries.add(Path.of(path.getParent().toUri().resolve(url)));
            }
        }
        return entries;
    }

    /** Python's own SyntaxError lines for any starter that does not compile; the commands otherwise. */
    private static String checkPython(Path handIn, String stage, Map<String, String> commands)
            throws IOException, InterruptedException {
        Map<String, Path> programs = pythonPrograms(handIn, stage);
        // -I: not the hand-in's folder on sys.path, where its own traceback.py would run here, unboxed.
        List<String> command = new ArrayList<>(List.of("python3", "-I", "-B", "-c", """
                import sys, traceback
                bad = 0
                for name in sys.argv[1:]:
                    try:
                        compile(open(name, 'rb').read(), name, 'exec')
                    except (SyntaxError, ValueError) as e:
                        bad = 1
                        sys.stderr.write(''.join(traceback.format_exception_only(type(e), e)))
                sys.exit(bad)
                """));
        programs.values().forEach(program -> command.add(handIn.relativize(program).toString()));
        Process process = new ProcessBuilder(command).directory(handIn.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readNBytes(64 * 1024);
        if (!process.waitFor(BUILD_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "python3 did not finish compiling within " + BUILD_LIMIT.toSeconds() + " s";
        }
        if (process.exitValue() != 0) {
            return "python3:\n" + new String(output, StandardCharsets.UTF_8).stripTrailing().indent(2).stripTrailing();
        }
        Map<String, String> templates = pythonTemplates(stage);
        programs.forEach((part, program) -> commands.put(part, templates.get(part).replace("{program}",
                CommandLineTemplate.shellQuoted(program.toString()))));
        return "";
    }

    /** Part to the starter file of the stage found in the hand-in (python/STAGE/F, STAGE/F or F). */
    static Map<String, Path> pythonPrograms(Path root, String stage) {
        Map<String, Path> found = new LinkedHashMap<>();
        pythonFiles(stage).forEach((part, file) -> Stream.of(root.resolve("python").resolve(stage).resolve(file),
                        root.resolve(stage).resolve(file), root.resolve(file))
                .filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).findFirst()
                .ifPresent(path -> found.put(part, path)));
        return found;
    }

    /** Part to starter file name, for the stage (grading/handins.csv). */
    static Map<String, String> pythonFiles(String stage) {
        Map<String, String> files = new LinkedHashMap<>();
        pythonTable(stage).forEach(fields -> files.put(fields[1], fields[2]));
        return files;
    }

    private static Map<String, String> pythonTemplates(String stage) {
        Map<String, String> templates = new LinkedHashMap<>();
        pythonTable(stage).forEach(fields -> templates.put(fields[1], fields[3]));
        return templates;
    }

    private static List<String[]> pythonTable(String stage) {
        try (InputStream in = HandIn.class.getResourceAsStream(PYTHON_TABLE)) {
            if (in == null) {
                throw new IllegalStateException(PYTHON_TABLE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> line.split("\\s*,\\s*", 4)).filter(fields -> fields[0].equals(stage)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of {@code from}: directories and regular files only, build output and VCS data aside. */
    static void copyRegularFiles(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (!dir.equals(from) && NOT_COPIED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile()) {
                    Path target = to.resolve(from.relativize(file).toString());
                    Files.copy(file, target);
                    if (Files.isExecutable(file)) {
                        target.toFile().setExecutable(true, false);
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
