package transferlab.contract.update;

import static org.assertj.core.api.Assertions.assertThat;

import transferlab.testkit.PythonPrograms;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.contract.OurServers;
import transferlab.testkit.InProcessServer;
import transferlab.testkit.Requirement;
import transferlab.server.ServerLog;
import transferlab.update.UpdateLimits;
import transferlab.update.UpdateServer;

/**
 * Interoperability: tests/python/update_client_seed002.py, a Python client written from seed 002's
 * description (2-byte length, JSON header, file bytes; with our ack), polls our server.
 */
class PythonSeed002ClientTest {
    private static final Path CLIENT = PythonPrograms.program("update_client_seed002.py");

    @TempDir
    Path temp;

    @Test
    @Requirement({"D1", "D2", "D3", "D4", "D7", "D8"})
    void theSeedClientPollsOurServerAndStoresTheFiles() throws Exception {
        PythonPrograms.assumePython();
        assertThat(CLIENT).as("the Python client, relative to the tests module").exists();

        byte[] content = new byte[500_000];
        new Random(2).nextBytes(content);
        Path queue = Files.createDirectories(temp.resolve("outbox").resolve("py-client"));
        Files.write(queue.resolve("update.bin"), content);
        Files.writeString(queue.resolve("notes.txt"), "read me");
        Path received = temp.resolve("received");

        UpdateServer server = UpdateServer.bind(new InetSocketAddress("127.0.0.1", 0), temp.resolve("outbox"),
                UpdateLimits.defaults(), ServerLog.silent());
        try (InProcessServer running = OurServers.inProcess(server, temp.resolve("outbox"), "update")) {
            Process python = new ProcessBuilder("python3", CLIENT.toString(), "127.0.0.1",
                    String.valueOf(running.address().getPort()), "py-client", received.toString())
                    .redirectErrorStream(true).start();
            assertThat(python.waitFor(30, TimeUnit.SECONDS)).as("the Python client finished").isTrue();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.exitValue()).as("exit status; output:\n" + output).isZero();
            assertThat(output).contains("stored notes.txt (7 bytes)").contains("stored update.bin (500000 bytes)");
        }
        assertThat(received.resolve("update.bin")).hasBinaryContent(content);
        assertThat(received.resolve("notes.txt")).hasContent("read me");
        try (var left = Files.list(queue)) {
            assertThat(left).as("both acknowledged, so both left the queue").isEmpty();
        }
    }
}
