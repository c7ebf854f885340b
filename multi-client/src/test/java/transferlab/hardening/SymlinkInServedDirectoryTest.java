package transferlab.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import transferlab.ft.FtClient;
import transferlab.ft.FtFailedException;
import transferlab.ft.FtHandler;
import transferlab.ft.FtLimits;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;
import transferlab.stagetwo.StageTwoServer;
import transferlab.testkit.InProcessServer;
import transferlab.testkit.RawUploadClient;
import transferlab.upload.UploadHandler;
import transferlab.upload.UploadLimits;

/**
 * Issue 11 item 7: a link in the served directory that leads nowhere (dangling) or round in a loop.
 * Uploading to its name (every mode) is refused with {@code bad-name} (upload.md U6), and asking
 * ftserver for it gives {@code ERROR bad-name} (ft.md F6): never a silent close, never
 * {@code storage}, and no reply names the server's directory.
 */
class SymlinkInServedDirectoryTest {
    @TempDir
    Path served;
    @TempDir
    Path downloads;

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"iterative, dangling", "iterative, loop", "thread-per-client, dangling", "thread-per-client, loop",
            "pool, dangling", "pool, loop", "event-loop, dangling", "event-loop, loop"})
    void uploadingToSuchANameIsRefusedAsABadName(String mode, String link) throws Exception {
        plantLinks();
        try (InProcessServer server = start(mode);
             RawUploadClient client = RawUploadClient.connect(server.address())) {
            client.send(RawUploadClient.header(5, link));
            String reply = client.readAnswer();

            assertThat(reply).startsWith("error bad-name: '" + link + "' is a link that leads nowhere")
                    .doesNotContain(served.toString()).doesNotContain("Exception");
        }
        assertThat(Files.isSymbolicLink(served.resolve(link))).as("the link is left as it was").isTrue();
    }

    @ParameterizedTest
    @CsvSource({"dangling", "loop"})
    void ftserverAnswersErrorBadName(String link) throws Exception {
        plantLinks();
        ServerLog log = ServerLog.silent();
        try (IterativeServer server = IterativeServer.bind(new InetSocketAddress("127.0.0.1", 0),
                FtHandler.serving(served, FtLimits.defaults(), log), log)) {
            server.serveInBackground("symlink-test-ftserver");
            FtClient client = new FtClient(Duration.ofSeconds(10), new PrintStream(new ByteArrayOutputStream()));

            assertThatThrownBy(() -> client.get("127.0.0.1", server.address().getPort(), link, 0, downloads))
                    .isInstanceOf(FtFailedException.class)
                    .hasMessageStartingWith("server says: ERROR bad-name: '" + link + "' is a link that leads nowhere")
                    .message().doesNotContain(served.toString());
        }
    }

    private void plantLinks() throws IOException {
        Files.createSymbolicLink(served.resolve("dangling"), served.resolve("was-deleted"));
        Files.createSymbolicLink(served.resolve("loop"), served.resolve("loop-back"));
        Files.createSymbolicLink(served.resolve("loop-back"), served.resolve("loop"));
    }

    private InProcessServer start(String mode) throws IOException {
        UploadLimits limits = UploadLimits.defaults().withHeaderSettle(Duration.ofMillis(20));
        for (StageTwoServer concurrent : StageTwoServer.all()) {
            if (concurrent.toString().equals(mode)) {
                return concurrent.start(served, limits);
            }
        }
        IterativeServer iterative = IterativeServer.bind(new InetSocketAddress("127.0.0.1", 0),
                UploadHandler.into(served, limits, ServerLog.silent()), ServerLog.silent());
        return StageTwoServer.running(iterative, served, () -> 0, mode);
    }
}
