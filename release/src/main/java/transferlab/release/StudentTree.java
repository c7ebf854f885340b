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

    /** In the student README, replaced by one command per TODO that runs exactly its tests. */
    static final String TODO_COMMANDS = "{{todo-commands}}";
    /** In the student README, replaced by what this course's stage 1 hand-in holds. */
    static final String FT_NOTE = "{{ft}}";
    /** The TODOs of list/get (protocol F): a course teaches them in stage 1 or not at all. */
    public static final Set<String> FT_TODOS = Set.of("stage1.5", "stage1.6");
    /** The stage profiles of the grader (what {@code check stageN} grades), in any module. */
    static final String STAGE_PROFILES = "grading/stages.csv";

    private final Path kit;
    /** The system property that names the kit's root ({@link #kitRoot}). */
    static final String KIT_PROPERTY = "transferlab.kit";
    private final boolean teachesFt;
    private final List<PathMatcher> leftOut = new ArrayList<>();
    private final List<String> leftOutPatterns = new ArrayList<>();
    private final TodoCatalogue todos;

    /** The student tree of a course that teaches list/get in stage 1 (the default). */
    public StudentTree(Path kit) {
        this(kit, true);
    }

    /**
     * The student tree; {@code teachesFt} says whether the course teaches list/get in stage 1. With
     * it, list/get is part of stage 1's hand-in: its TODOs are the student's, and the tree's
     * {@code check stage1} grades the list/get server and client without {@code --ft}. Without
     * it, the list/get regions ship done (the reference code: no exercise there) and {@code check
     * stage1} grades list/get only when asked, as the kit's does. Either way {@code check stage1}
     * says "Ready to hand in" only when every TODO of stage 1's hand-in is done.
     */
    public StudentTree(Path kit, boolean teachesFt) {
        this.kit = kit;
        this.teachesFt = teachesFt;
        for (String pattern : resourceLines("left-out.txt")) {
            leftOutPatterns.add(pattern);
            leftOut.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
        }
        this.todos = TodoCatalogue.load();
    }

    /**
     * The kit's root, as the system property {@value #KIT_PROPERTY} names it: {@code ./transfer} sets
     * it for every command, Maven's surefire for every test (pom.xml). The grader reads the same
     * property (it cannot share code with this module, which the student tree leaves out).
     */
    public static Path kitRoot() {
        String kit = System.getProperty(KIT_PROPERTY);
        if (kit == null || kit.isBlank()) {
            throw new IllegalStateException("the system property " + KIT_PROPERTY + " does not say where the kit "
                    + "is: run ./transfer release student OUT");
        }
        return Path.of(kit).toAbsolutePath().normalize();
    }

    public Path kit() {
        return kit;
    }

    public TodoCatalogue todos() {
        return todos;
    }

    /** True if the course teaches list/get in stage 1 (see the constructor). */
    public boolean teachesFt() {
        return teachesFt;
    }

    /** True if the TODO {@code id} ships as a TODO (a stub), false if this course gets it done. */
    public boolean isTodo(String id) {
        return teachesFt || !FT_TODOS.contains(id);
    }

    /** The TODOs this tree ships, in todos.txt's order. */
    public List<TodoCatalogue.Todo> shippedTodos() {
        return todos.all().stream().filter(todo -> isTodo(todo.id())).toList();
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
        if (!todos.ids().containsAll(FT_TODOS)) {
            throw new IllegalStateException("todos.txt has no " + FT_TODOS + " (StudentTree.FT_TODOS)");
        }
        if (!teachesFt) {
            restored = new java.util.HashSet<>(restored);
            restored.addAll(FT_TODOS);
        }
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
        files.computeIfPresent("pom.xml", (name, bytes) -> utf8(quietTests(withoutReleaseModule(text(bytes)))));
        files.computeIfPresent("resources/commands.tsv", (name, bytes) -> utf8(withoutReleaseCommand(text(bytes))));
        List<TodoCatalogue.Todo> shipped = shippedTodos();
        files.computeIfPresent("README.md", (name, bytes) -> utf8(text(bytes)
                .replace(TODO_TABLE, todos.markdownTable(files, shipped))
                .replace(TODO_COMMANDS, TodoCatalogue.commands(shipped))
                .replace(FT_NOTE, teachesFt ? FT_IN_STAGE_ONE : FT_NOT_TAUGHT)));
        if (!teachesFt) {
            files.computeIfPresent(CLASSROOM_WORKFLOW, (name, bytes) -> utf8(withoutFtSteps(text(bytes))));
        }
        if (teachesFt) {
            List<String> profiles = files.keySet().stream().filter(f -> f.endsWith("/" + STAGE_PROFILES)).toList();
            if (profiles.size() != 1) {
                throw new IllegalStateException("expected one " + STAGE_PROFILES + " in the kit, found " + profiles);
            }
            files.computeIfPresent(profiles.get(0), (name, bytes) -> utf8(ftGradedInStageOne(text(bytes))));
        }
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

    static final String FT_IN_STAGE_ONE = "This course teaches list/get (protocol F) in stage 1: "
            + "stage1.5 and stage1.6 are part of stage 1's hand-in, and `./transfer check stage1` grades the "
            + "list/get server and client with the upload server (no `--ft` needed). In another language, "
            + "give it your list/get server too, or that part is not graded: `--cmd ft-server=\"python3 "
            + "python/stage1/ftserver.py {port} --dir {dir} --idle-timeout {idle-timeout}\"` beside `--server-cmd`.";
    static final String FT_NOT_TAUGHT = "This course leaves list/get (protocol F) out: its code "
            + "(`single-client/.../ft/`) comes done, there is no stage1.5 or stage1.6, and "
            + "`./transfer check stage1` grades the upload server only.";

    /**
     * The stage profiles with stage 1's list/get parts graded by a plain {@code check stage1}: their
     * {@code ft} flag (graded only with {@code --ft}) becomes {@code -}.
     */
    static String ftGradedInStageOne(String profiles) {
        StringBuilder out = new StringBuilder();
        int changed = 0;
        for (String line : profiles.lines().toList()) {
            String[] fields = line.split("\\s*,\\s*", 4);
            if (fields.length == 4 && fields[0].strip().equals("stage1") && fields[2].strip().equals("ft")) {
                line = fields[0] + ", " + fields[1] + ", -, " + fields[3];
                changed++;
            }
            out.append(line).append('\n');
        }
        if (changed == 0) {
            throw new IllegalStateException(STAGE_PROFILES + " has no stage 1 part flagged ft");
        }
        return out.toString().replaceFirst("\n\n", "\n# The student tree of a course that teaches list/get in "
                + "stage 1 (./transfer release student):\n# check stage1 grades its parts without --ft.\n\n");
    }

    /** GitHub Classroom's workflow in the student tree: a step per graded part of each stage. */
    static final String CLASSROOM_WORKFLOW = ".github/workflows/classroom.yml";

    /**
     * The workflow of a course that leaves list/get out: without stage 1's list/get steps (ids
     * {@code stage1-ft-…}), their results in the reporter's environment and their runners, and the
     * header's lines about them, so that
     * the steps' points add up to what {@code check stage1} grades there.
     */
    static String withoutFtSteps(String workflow) {
        List<List<String>> blocks = new ArrayList<>(); // a step with its deeper lines, or one line of its own
        for (String line : workflow.lines().toList()) {
            List<String> last = blocks.isEmpty() ? List.of() : blocks.get(blocks.size() - 1);
            if (line.startsWith("        ") && !last.isEmpty() && last.get(0).startsWith("      - ")) {
                last.add(line);
            } else {
                blocks.add(new ArrayList<>(List.of(line)));
            }
        }
        StringBuilder out = new StringBuilder();
        int dropped = 0;
        for (List<String> block : blocks) {
            if (block.stream().anyMatch(line -> line.strip().startsWith("id: stage1-ft-"))) {
                dropped++;
                continue;
            }
            block.stream().filter(line -> !line.contains("STAGE1-FT-")
                            && !(line.startsWith("#") && (line.contains("list/get") || line.contains("ft-server"))))
                    .forEach(line -> out.append(line.replaceAll("stage1-ft-[a-z]+,", "")).append('\n'));
        }
        if (dropped != 2) {
            throw new IllegalStateException(CLASSROOM_WORKFLOW + " has " + dropped + " list/get steps, not 2");
        }
        return out.toString();
    }

    /** The reference pom's surefire line that {@link #quietTests} replaces. */
    static final String REFERENCE_TRIM_LINE = "<trimStackTrace>false</trimStackTrace>";

    /**
     * True if the student tree's build runs this test class (simple or qualified name). The fuzz
     * tests' seed replays stay in the reference build: on a stub, each seed is one more failure of
     * the same TODO, with a Jazzer stack trace (13 of them for stage1.5).
     */
    public static boolean runByStudentBuild(String testClass) {
        return !testClass.endsWith("FuzzTest");
    }

    /**
     * The root pom with surefire set for a student's first runs, where dozens of tests fail on
     * purpose (the reference keeps whole stack traces for its own debugging): one short block per
     * failure, the tests' program output in files, no fuzz seed replays (see
     * {@link #runByStudentBuild}). A first {@code mvn -q verify} then prints about 250 lines, not 2,500.
     */
    static String quietTests(String pom) {
        List<String> lines = pom.lines().toList();
        List<String> trim = lines.stream().filter(line -> line.strip().equals(REFERENCE_TRIM_LINE)).toList();
        if (trim.size() != 1) {
            throw new IllegalStateException("the root pom.xml must configure surefire with exactly one '"
                    + REFERENCE_TRIM_LINE + "' line (the student tree's build replaces it), found " + trim.size());
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            if (!line.strip().equals(REFERENCE_TRIM_LINE)) {
                out.append(line).append('\n');
                continue;
            }
            String indent = line.substring(0, line.indexOf('<'));
            for (String quiet : List.of(
                    "<!-- Quiet for a first run, where every TODO's tests fail: a failure is a short block (the",
                    "     test's own frames), what a test's programs print is in",
                    "     target/surefire-reports/CLASS-output.txt, and the fuzz tests stay in the course's",
                    "     build (-Dtest=FtRequestFuzzTest still runs one). **/*$* is surefire's default exclude,",
                    "     kept. The release wrote these lines. -->",
                    "<trimStackTrace>true</trimStackTrace>",
                    "<redirectTestOutputToFile>true</redirectTestOutputToFile>",
                    "<printSummary>false</printSummary>",
                    "<excludes>",
                    "  <exclude>**/*FuzzTest.java</exclude>",
                    "  <exclude>**/*$*</exclude>",
                    "</excludes>")) {
                out.append(indent).append(quiet).append('\n');
            }
        }
        return out.toString();
    }

    /** The command table without the release row (its module is not there; the launcher hides it anyway). */
    static String withoutReleaseCommand(String commands) {
        StringBuilder out = new StringBuilder();
        commands.lines().filter(line -> !line.startsWith("release\t")).forEach(line -> out.append(line).append('\n'));
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
