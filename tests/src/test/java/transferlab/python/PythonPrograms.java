package transferlab.python;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where the Python programs of tests/python are, and whether python3 can run them here: the one
 * check every interoperability and grading test makes before it starts a Python program. A test
 * that needs Python is skipped, with that reason, only where python3 is missing.
 */
public final class PythonPrograms {
    /** Surefire runs in the module directory (tests/). */
    public static final Path DIRECTORY = Path.of("python").toAbsolutePath();

    private static Boolean available;

    private PythonPrograms() {
    }

    public static Path mutant(String file) {
        return DIRECTORY.resolve("mutants").resolve(file);
    }

    public static Path program(String file) {
        return DIRECTORY.resolve(file);
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
