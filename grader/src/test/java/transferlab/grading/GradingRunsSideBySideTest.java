package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.PythonPrograms;
import transferlab.grading.program.CommandServer;

/**
 * Two grading runs in one JVM at once (the grader's own tests run several side by side, see
 * tests/pom.xml): the run that ends stops the servers it started, and only those; the other run's
 * server goes on serving. A run's servers are those logging to its log directory.
 */
class GradingRunsSideBySideTest {
    private static final String SEED_SERVER = "python3 " + PythonPrograms.program("seed000/server.py") + " {port}";

    @TempDir
    Path work;

    @Test
    void aRunThatEndsStopsItsOwnServersAndNotThoseOfAnotherRun() throws IOException {
        PythonPrograms.assumePython();
        Path endingRunLogs = Files.createDirectories(work.resolve("ending-run-logs"));
        Path otherRunLogs = Files.createDirectories(work.resolve("other-run-logs"));
        CommandServer ending = (CommandServer) CommandServer.start(SEED_SERVER,
                Files.createDirectories(work.resolve("ending")), endingRunLogs, Map.of());
        CommandServer other = (CommandServer) CommandServer.start(SEED_SERVER,
                Files.createDirectories(work.resolve("other")), otherRunLogs, Map.of());
        try {
            CommandServer.closeAll(endingRunLogs);

            assertThat(ending.isAlive()).as("the ending run's server is stopped").isFalse();
            assertThat(other.isAlive()).as("the other run's server still runs").isTrue();
            try (Socket connection = new Socket("127.0.0.1", other.address().getPort())) {
                assertThat(connection.isConnected()).as("and still accepts").isTrue();
            }
        } finally {
            ending.close();
            other.close();
        }
    }
}
