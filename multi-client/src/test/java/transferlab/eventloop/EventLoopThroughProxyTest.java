package transferlab.eventloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.server.ServerLog;
import transferlab.stagetwo.StageTwoServer;
import transferlab.testkit.InProcessServer;
import transferlab.testkit.RawUploadClient;
import transferlab.testkit.Requirement;
import transferlab.testkit.TcpProxy;
import transferlab.testkit.TestFiles;
import transferlab.upload.UploadLimits;

/**
 * The event-loop upload server behind the kit's {@link TcpProxy}: a header that arrives in 1-byte
 * pieces is read whole (the settle window is a timer in the loop, not a blocking read), and an upload
 * cut in the middle leaves neither the file nor its temporary file.
 */
class EventLoopThroughProxyTest {
    // A generous settle window: the proxy pauses 2 ms between pieces, far less even on a loaded machine.
    private static final UploadLimits LIMITS = UploadLimits.defaults().withIdleTimeout(Duration.ofSeconds(5))
            .withHeaderSettle(Duration.ofMillis(300));

    @TempDir
    Path received;

    private InProcessServer start() throws IOException {
        EventLoopUploadServer server = EventLoopUploadServer.bind(new InetSocketAddress("127.0.0.1", 0), received,
                LIMITS, ServerLog.silent());
        return StageTwoServer.running(server, received, server::openConnections, "event-loop");
    }

    @Test
    @Requirement("U4")
    void headerSplitIntoOneBytePiecesIsReadWhole() throws Exception {
        byte[] content = TestFiles.randomBytes(200, 1); // small: the proxy splits the content into single bytes too
        String name = "split-into-single-bytes.bin";
        try (InProcessServer server = start();
             TcpProxy proxy = TcpProxy.start(server.address(), TcpProxy.Faults.none().splitInto(1,
                     Duration.ofMillis(2)));
             RawUploadClient client = RawUploadClient.connect(proxy.address())) {
            client.send(RawUploadClient.header(content.length, name)); // one write; the proxy splits it
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(content);
            assertThat(client.readLine()).isEqualTo("ok " + TestFiles.sha256(content) + "\n");
        }
        assertThat(Files.readAllBytes(received.resolve(name))).isEqualTo(content);
    }

    @Test
    @Requirement("U10")
    void uploadCutInTheMiddleLeavesNoFileAndNoTemporaryFile() throws Exception {
        byte[] header = RawUploadClient.header(100_000, "cut.bin");
        try (InProcessServer server = start();
             TcpProxy proxy = TcpProxy.start(server.address(),
                     TcpProxy.Faults.none().cutUpstreamAfter(header.length + 40_000));
             RawUploadClient client = RawUploadClient.connect(proxy.address())) {
            client.send(header);
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            try {
                client.send(TestFiles.randomBytes(60_000, 2)); // the proxy cuts after 40,000 of these bytes
            } catch (IOException cut) {
                // the cut may already be visible to this writer; either way the server sees a broken upload
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.cuts() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.held() == 0);
            assertThat(TestFiles.everything(received)).isEmpty(); // not cut.bin, not .cut.bin.<uuid>.part
        }
    }
}
