package transferlab.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The kit as a student gets it: every file of the reference, except those {@code left-out.txt}
 * names, with each solution region replaced by its TODO and stub ({@link SolutionSource}), plus
 * the student-only files of {@value #STUDENT_FILES} copied into the root (its README.md and
 * .ci/run replace the kit's; the Python starters go there too).
 *
 * <p>Only {@link #files} decides what ships: {@link #write} writes exactly that, and the leak scan
 * and the proof read the same map.
 */
public final class StudentTree {
    /** Files only the student tree has, copied into its root: README.md, .ci/run, starters. */
    public static final String STUDENT_FILES = "resources/student";
    /** In the student README, replaced by the table of TODOs. */
    static final String TODO_TABLE = "{{todo-table}}";
    private static final Set<String> SKIPPED_NAMES = Set.of("target", ".git", ".idea", ".vscode", "__pycache__",
            "received");

    private final Path kit;
    private final List<PathMatcher> leftOut = new ArrayList<>();
    private final List<String> leftOutPatterns = new ArrayList<>();
    private final TodoCatalogue todos;

    public StudentTree(Path kit) {
        this.kit = kit;
        for (String pattern : resourceLines("left-out.txt")) {
            leftOutPatterns.add(pattern);
            leftOut.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
        }
        this.todos = TodoCatalogue.load();
    }

    /** The kit's root: the directory with {@code transfer} and {@code pom.xml}, found from this class's location. */
    public static Path kitOfThisClass() {
        try {
            Path at = Path.of(StudentTree.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = at; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("transfer")) && Files.isRegularFile(dir.resolve("pom.xml"))
                        && Files.isDirectory(dir.resolve("release"))) {
                    return dir;
                }
            }
            throw new IllegalStateException("no kit root above " + at);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path kit() {
        return kit;
    }

    public TodoCatalogue todos() {
        return todos;
    }

    /** The patterns of files left out (globs relative to the kit's root). */
    public List<String> leftOutPatterns() {
        return Collections.unmodifiableList(leftOutPatterns);
    }

    /** True if the kit's file {@code relative} is left out of the student tree. */
    public boolean isLeftOut(String relative) {
        Path path = Path.of(relative);
        return relative.startsWith(STUDENT_FILES + "/") || leftOut.stream().anyMatch(m -> m.matches(path));
    }

    /** Every file of the kit (relative path, '/'-separated), build output and VCS data aside. */
    public List<String> kitFiles() {
        try (Stream<Path> walk = Files.walk(kit)) {
            return walk.filter(Files::isRegularFile)
                    .map(kit::relativize)
                    .filter(p -> {
                        for (Path part : p) {
                            if (SKIPPED_NAMES.contains(part.toString())) {
                                return false;
                            }
                        }
                        String name = p.getFileName().toString();
                        return !name.endsWith(".class") && !name.endsWith(".iml") && !name.endsWith(".pyc");
                    })
                    .map(p -> p.toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kit's shipped files that have solution regions, by path. */
    public Map<String, SolutionSource> sources() {
        Map<String, SolutionSource> sources = new TreeMap<>();
        for (String file : kitFiles()) {
            if (isLeftOut(file) && !file.startsWith(STUDENT_FILES + "/")) {
                continue;
            }
            String text = readIfText(kit.resolve(file));
            if (text != null && SolutionSource.hasMarkers(text)) {
                sources.put(file, SolutionSource.parse(file, text));
            }
        }
        return sources;
    }

    /**
     * The student tree as path → bytes, with the regions whose id is in {@code restored} kept as
     * the reference has them (the proof restores one at a time; the release restores none).
     */
    public Map<String, byte[]> files(Set<String> restored) {
        Map<String, SolutionSource> sources = sources();
        todos.checkAgainst(sources.values());
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String file : kitFiles()) {
            if (isLeftOut(file)) {
                continue;
            }
            SolutionSource source = sources.get(file);
            files.put(file, source != null ? utf8(source.render(restored)) : read(kit.resolve(file)));
        }
        for (String file : kitFiles()) {
            if (file.startsWith(STUDENT_FILES + "/")) {
                String inTree = file.substring(STUDENT_FILES.length() + 1);
                SolutionSource source = sources.get(file);
                files.put(inTree, source != null ? utf8(source.render(restored)) : read(kit.resolve(file)));
            }
        }
        files.computeIfPresent("pom.xml", (name, bytes) -> utf8(withoutReleaseModule(text(bytes))));
        files.computeIfPresent("transfer", (name, bytes) -> utf8(withoutReleaseCommand(text(bytes))));
        files.computeIfPresent("README.md", (name, bytes) -> utf8(text(bytes).replace(TODO_TABLE,
                todos.markdownTable(files))));
        return files;
    }

    /** Writes the student tree into {@code out} (absent or empty) and makes it a fresh git repository. */
    public Map<String, byte[]> write(Path out) throws IOException, InterruptedException {
        if (Files.exists(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(out + " exists and is not empty; name a new directory");
                }
            }
        }
        Map<String, byte[]> files = files(Set.of());
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = out.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue());
            Path from = kit.resolve(file.getKey());
            Path student = kit.resolve(STUDENT_FILES).resolve(file.getKey());
            Path source = Files.exists(student) ? student : from;
            if (Files.exists(source) && Files.isExecutable(source)) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(target);
                permissions.add(PosixFilePermission.OWNER_EXECUTE);
                permissions.add(PosixFilePermission.GROUP_EXECUTE);
                permissions.add(PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(target, permissions);
            }
        }
        Git.initAndCommit(out, "Transfer Lab: the student tree (every exercise a TODO)");
        return files;
    }

    /** The root pom without the instructor's modules: this generator, and the measurement tools (bench). */
    static String withoutReleaseModule(String pom) {
        StringBuilder out = new StringBuilder();
        pom.lines().filter(line -> !line.contains("<module>release</module>") && !line.contains("The instructor's:")
                        && !line.contains("<module>bench</module>") && !line.contains("Measurement tools:"))
                .forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }

    /** The launcher without the release row (its module is not there; the launcher hides it anyway). */
    static String withoutReleaseCommand(String launcher) {
        StringBuilder out = new StringBuilder();
        boolean continued = false; // the row's description is on the next line
        for (String line : launcher.lines().toList()) {
            boolean release = line.startsWith("command_row release ") || line.startsWith("command_row release-");
            if (!release && !continued) {
                out.append(line).append('\n');
            }
            continued = release && line.endsWith("\\");
        }
        return out.toString();
    }

    /** The file as text if it is UTF-8 without NUL bytes, else null. */
    static String readIfText(Path file) {
        byte[] bytes = read(file);
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        return text(bytes);
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The non-blank, non-comment lines of a resource of this package. */
    static List<String> resourceLines(String name) {
        try (InputStream in = StudentTree.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return text(in.readAllBytes()).lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
