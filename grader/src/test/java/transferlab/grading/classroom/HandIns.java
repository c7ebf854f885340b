package transferlab.grading.classroom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Stage 1 hand-ins as students hand them in, for the class and autograder tests: the Python
 * starters' layout ({@code python/stage1/server.py}) and a Java student tree.
 *
 * <p>The Java tree is the reference's stage modules with the launcher and root pom: a student tree
 * whose TODOs are all done. (The release module's generated student tree is the other way to get
 * one; this module cannot depend on the generator, so it makes its own.) The Python programs that
 * answer an exercise stay in tests/python: each hand-in here is a small server.py that runs one of
 * them with the starter's command line.
 */
final class HandIns {
    static final Path KIT = Path.of("..").toAbsolutePath().normalize();

    private HandIns() {
    }

    /** A student tree with every TODO done: the reference's stage modules, its launcher and pom. */
    static Path javaTree(Path at) throws IOException {
        Files.createDirectories(at);
        Files.copy(KIT.resolve("pom.xml"), at.resolve("pom.xml"));
        Files.copy(KIT.resolve("transfer"), at.resolve("transfer"));
        for (String module : HandIn.STAGE_MODULES) {
            HandIn.copyRegularFiles(KIT.resolve(module).resolve("src/main"), at.resolve(module).resolve("src/main"));
        }
        return at;
    }

    /** The same tree with one ';' missing: javac says "';' expected". */
    static Path javaTreeThatDoesNotCompile(Path at) throws IOException {
        javaTree(at);
        Path command = at.resolve("single-client/src/main/java/transferlab/upload/UploadServerCommand.java");
        String source = Files.readString(command, StandardCharsets.UTF_8);
        Files.writeString(command, source.replaceFirst("return ([^;]*);", "return $1"), StandardCharsets.UTF_8);
        return at;
    }

    /** Stage 1's starter with its TODOs done (tests/python/starters/stage1_server_done.py). */
    static Path pythonDone(Path at) throws IOException {
        return pythonRunning(at, "starters/stage1_server_done.py", "starter");
    }

    /** The starter as handed out: it starts and fails its TODOs' requirements; it says which user runs it. */
    static Path pythonUnfinished(Path at) throws IOException {
        String starter = Files.readString(KIT.resolve("resources/student/python/stage1/server.py"),
                StandardCharsets.UTF_8);
        return python(at, starter.replaceFirst("\nimport time[^\n]*\n", "\nimport time\nprint('running as uid', "
                + "os.getuid(), flush=True)\n"));
    }

    /** A known-bad server of tests/python/mutants (it takes PORT DIR), run with the starter's command line. */
    static Path pythonMutant(Path at, String mutant) throws IOException {
        return pythonRunning(at, "mutants/" + mutant, "mutant");
    }

    /** A program of tests/python/attacks as the hand-in's server.py, with the attacks' attack.py beside it. */
    static Path pythonAttack(Path at, String attack) throws IOException {
        Path attacks = KIT.resolve("tests/python/attacks");
        Files.createDirectories(at.resolve("python/stage1"));
        Files.copy(attacks.resolve("attack.py"), at.resolve("python/stage1/attack.py"));
        return python(at, Files.readString(attacks.resolve(attack), StandardCharsets.UTF_8));
    }

    /** A server.py with the given text. */
    static Path python(Path at, String serverPy) throws IOException {
        Path file = at.resolve("python/stage1/server.py");
        Files.createDirectories(file.getParent());
        Files.writeString(file, serverPy, StandardCharsets.UTF_8);
        return at;
    }

    /**
     * Python code for the path of a program of tests/python, in the copy {@link #withKitPrograms}
     * put beside the hand-in: the sandbox shows a graded program its own folders, not the kit.
     */
    static String programInHandIn(String program) {
        return "os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'kit', 'tests', 'python', "
                + String.join(", ", java.util.Arrays.stream(program.split("/")).map(HandIns::pythonString)
                        .toList()) + ")";
    }

    /** Copies the Python programs of tests/python and the starters into the hand-in's python/kit/. */
    static Path withKitPrograms(Path at) throws IOException {
        Path kit = at.resolve("python/kit");
        for (String folder : List.of("tests/python/starters", "tests/python/mutants", "resources/student/python")) {
            HandIn.copyRegularFiles(KIT.resolve(folder), kit.resolve(folder));
        }
        return at;
    }

    /** A server.py that runs {@code program} (a done starter, or a mutant taking PORT DIR [limits]). */
    private static Path pythonRunning(Path at, String program, String kind) throws IOException {
        withKitPrograms(at);
        String run = kind.equals("starter")
                ? "os.execvp('python3', ['python3', PROGRAM] + sys.argv[1:])\n"
                : String.join("\n", List.of(
                        "args = sys.argv[1:]",
                        "def option(name):",
                        "    return args[args.index(name) + 1]",
                        "os.execvp('python3', ['python3', PROGRAM, args[1], option('--dir'), option('--max-size'),",
                        "          option('--idle-timeout'), option('--deadline'), option('--header-settle')])", ""));
        return python(at, "import os, sys\nPROGRAM = " + programInHandIn(program) + "\n" + run);
    }

    private static String pythonString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
