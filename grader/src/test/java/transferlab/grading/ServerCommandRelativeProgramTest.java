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
import transferlab.testkit.ServerUnderTest;
import transferlab.grading.program.CommandLineTemplate;
import transferlab.grading.program.CommandServer;

/**
 * Issue 8: the literal {@code --server-cmd "cd {dir} && python3 server.py {port}"} works. After
 * {@code cd {dir}} a relative {@code server.py} would name a file in the test's directory, which
 * does not hold it; the grader makes a word naming a file of its own directory absolute, for server
 * commands as for client commands (one mechanism: {@link CommandLineTemplate#anchoredToGraderDirectory}).
 * Surefire runs in tests/, so {@code python/seed000/server.py} is such a relative name here.
 */
class ServerCommandRelativeProgramTest {
    private static final String RELATIVE_SEED_SERVER =
            Path.of("").toAbsolutePath().relativize(PythonPrograms.program("seed000/server.py")).toString();

    @TempDir
    Path work;

    @Test
    void aServerProgramNamedRelativelyIsFoundAfterCdDir() throws IOException {
        PythonPrograms.assumePython();
        assertThat(Path.of(RELATIVE_SEED_SERVER)).as("a relative name, as a student types it").isRelative();
        Path served = Files.createDirectories(work.resolve("served"));

        try (ServerUnderTest server = CommandServer.start("cd {dir} && python3 " + RELATIVE_SEED_SERVER + " {port}",
                served, Files.createDirectories(work.resolve("logs")), Map.of());
             Socket connection = new Socket("127.0.0.1", server.address().getPort())) {
            assertThat(connection.isConnected()).as("the seed server listens on {port}").isTrue();
        }
    }

    @Test
    void onlyWordsNamingAFileOfTheGradersDirectoryChange() {
        assertThat(CommandLineTemplate.anchoredToGraderDirectory(
                "cd {dir} && python3 " + RELATIVE_SEED_SERVER + " 127.0.0.1 {port} no-such-file.py"))
                .isEqualTo("cd {dir} && python3 " + PythonPrograms.program("seed000/server.py")
                        + " 127.0.0.1 {port} no-such-file.py");
    }
}
