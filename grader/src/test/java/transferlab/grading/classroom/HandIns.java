package transferlab.grading.classroom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import transferlab.testkit.PythonPrograms;

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
        return pythonRunning(at, PythonPrograms.program("starters/stage1_server_done.py").toString(), "starter");
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
        return pythonRunning(at, PythonPrograms.program("mutants/" + mutant).toString(), "mutant");
    }

    /** A server.py with the given text. */
    static Path python(Path at, String serverPy) throws IOException {
        Path file = at.resolve("python/stage1/server.py");
        Files.createDirectories(file.getParent());
        Files.writeString(file, serverPy, StandardCharsets.UTF_8);
        return at;
    }

    /** A server.py that runs {@code program} (a done starter, or a mutant taking PORT DIR [limits]). */
    private static Path pythonRunning(Path at, String program, String kind) throws IOException {
        String run = kind.equals("starter")
                ? "os.execvp('python3', ['python3', PROGRAM] + sys.argv[1:])\n"
                : String.join("\n", List.of(
                        "args = sys.argv[1:]",
                        "def option(name):",
                        "    return args[args.index(name) + 1]",
                        "os.execvp('python3', ['python3', PROGRAM, args[1], option('--dir'), option('--max-size'),",
                        "          option('--idle-timeout'), option('--deadline'), option('--header-settle')])", ""));
        return python(at, "import os, sys\nPROGRAM = " + pythonString(program) + "\n" + run);
    }

    private static String pythonString(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
