package transferlab.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where the Python programs of tests/python are, and whether python3 can run them here: the one
 * check every interoperability and grading test makes before it starts a Python program. A test
 * that needs Python is skipped, with that reason, only where python3 is missing.
 */
public final class PythonPrograms {
    /** Surefire runs in a module directory, beside tests/. */
    public static final Path DIRECTORY = Path.of("..", "tests", "python").toAbsolutePath().normalize();

    private static Boolean available;
    private static String interpreter;

    private PythonPrograms() {
    }

    public static Path mutant(String file) {
        return DIRECTORY.resolve("mutants").resolve(file);
    }

    public static Path program(String file) {
        return DIRECTORY.resolve(file);
    }

    /**
     * The python3 interpreter's own path, for command lines that start Python many times: a
     * version manager's {@code python3} (pyenv's shim is a shell script) costs ~0.4 s per start.
     */
    public static synchronized String interpreter() {
        assumePython();
        if (interpreter == null) {
            interpreter = "python3";
            try {
                Process process = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
                String path = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                boolean found = process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
                if (found && Files.isExecutable(Path.of(path))) {
                    interpreter = path;
                }
            } catch (IOException e) {
                // keep "python3": slower to start, same program
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return interpreter;
    }

    public static synchronized void assumePython() {
        if (available == null) {
            try {
                Process process = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
                available = process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        assumeTrue(available, "python3 is not installed here: the Python programs cannot run");
        assumeTrue(Files.isDirectory(DIRECTORY), "no " + DIRECTORY);
    }
}
