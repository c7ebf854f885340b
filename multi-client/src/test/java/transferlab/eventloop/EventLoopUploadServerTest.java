package transferlab.eventloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.server.ServerLog;
import transferlab.upload.UploadHeader;
import transferlab.upload.UploadLimits;
import transferlab.testkit.InProcessServer;
import transferlab.testkit.RawUploadClient;
import transferlab.testkit.TestFiles;
import transferlab.stagetwo.StageTwoServer;

/**
 * The event loop's own state machine, byte by byte: headers in pieces, cut uploads, timers. The
 * tests shared with the other stage 2 servers are in {@code ConcurrentUploadTest}; a header split
 * by the suite's TcpProxy is in the tests module (EventLoopThroughProxyTest), which can use it.
 */
class EventLoopUploadServerTest {
    private static final UploadLimits LIMITS = UploadLimits.defaults()
            .withHeaderSettle(Duration.ofMillis(500)) // far longer than the gap between two writes, even under load
            .withIdleTimeout(Duration.ofSeconds(5));

    @TempDir
    Path received;

    private InProcessServer start(UploadLimits limits) throws Exception {
        EventLoopUploadServer server = EventLoopUploadServer.bind(new InetSocketAddress("127.0.0.1", 0), received,
                limits, ServerLog.silent());
        return StageTwoServer.running(server, received, server::openConnections, "event-loop");
    }

    private static boolean refusesConnections(InetSocketAddress address) throws IOException {
        try (Socket probe = new Socket()) {
            probe.connect(address, 1_000);
            return false;
        } catch (ConnectException refused) {
            return true;
        }
    }

    @Test
    void headerWrittenOneByteAtATimeIsReadWhole() throws Exception {
        String name = "the-longest-name-" + "x".repeat(234) + ".txt"; // 255 bytes, the most a name may have
        byte[] content = TestFiles.randomBytes(1_000, 5);
        try (InProcessServer server = start(LIMITS);
             RawUploadClient client = RawUploadClient.connect(server.address())) {
            for (byte b : new UploadHeader(content.length, name).encode()) {
                client.send(new byte[] {b}); // one segment each (TCP_NODELAY), well within the settle window
            }
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(content);
            assertThat(client.readLine()).isEqualTo("ok " + TestFiles.sha256(content) + "\n");
        }
        assertThat(Files.readAllBytes(received.resolve(name))).isEqualTo(content);
    }

    @Test
    void withoutSettleWindowTheFirstNineBytesEndTheHeader() throws Exception {
        try (InProcessServer server = start(LIMITS.withHeaderSettle(Duration.ZERO));
             RawUploadClient client = RawUploadClient.connect(server.address())) {
            client.send(RawUploadClient.header(3, "n.txt"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(new byte[] {1, 2, 3});
            assertThat(client.readLine()).isEqualTo("ok " + TestFiles.sha256(new byte[] {1, 2, 3}) + "\n");
        }
    }

    @Test
    void emptyFileIsStored() throws Exception {
        try (InProcessServer server = start(LIMITS.withHeaderSettle(Duration.ofMillis(20)));
             RawUploadClient client = RawUploadClient.connect(server.address())) {
            client.send(RawUploadClient.header(0, "empty.txt"));
            assertThat(client.readToEnd()).isEqualTo("go aheadok " + TestFiles.sha256(new byte[0]) + "\n");
        }
        assertThat(received.resolve("empty.txt")).isEmptyFile();
    }

    @Test
    void sizeAboveTheLimitIsRefusedBeforeAnyContent() throws Exception {
        try (InProcessServer server = start(LIMITS.withHeaderSettle(Duration.ofMillis(20)).withMaxContentBytes(1_000));
             RawUploadClient client = RawUploadClient.connect(server.address())) {
            client.send(RawUploadClient.header(1_001, "big.bin"));
            assertThat(client.readToEnd()).isEqualTo("error too-large: size 1001 exceeds the limit of 1000 bytes\n");
        }
        assertThat(TestFiles.everything(received)).isEmpty();
    }

    @Test
    void connectionClosedInsideTheHeaderIsRefusedAsBadHeader() throws Exception {
        try (InProcessServer server = start(LIMITS);
             RawUploadClient client = RawUploadClient.connect(server.address())) {
            client.send(new byte[] {0, 0, 0});
            client.finishSending();
            // The spec's form (upload.md, U7 and "8 header bytes, then end of stream"); the detail is free.
            assertThat(client.readToEnd()).startsWith("error bad-header: ").endsWith("\n").hasLineCount(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.held() == 0);
        }
    }

    @Test
    void uploadPastTheDeadlineIsRefusedAndItsTemporaryFileDeleted() throws Exception {
        UploadLimits limits = LIMITS.withHeaderSettle(Duration.ofMillis(20))
                .withTransferDeadline(Duration.ofMillis(500));
        try (InProcessServer server = start(limits);
             RawUploadClient client = RawUploadClient.connect(server.address())) {
            client.send(RawUploadClient.header(1_000, "late.bin"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(new byte[100]); // and nothing more: the idle timeout (5 s) is later than the deadline
            assertThat(client.readToEnd())
                    .isEqualTo("error timeout: the upload took longer than the deadline of 500 ms (100 of 1000 "
                            + "bytes)\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.held() == 0);
        }
        assertThat(TestFiles.everything(received)).isEmpty();
    }

    /** Seed clients send the content and close without reading "ok": the file is stored all the same. */
    @Test
    void seedClientThatClosesWithoutReadingOkStillHasItsFileStored() throws Exception {
        byte[] content = TestFiles.randomBytes(300_000, 6);
        try (InProcessServer server = start(LIMITS.withHeaderSettle(Duration.ofMillis(20)))) {
            try (RawUploadClient client = RawUploadClient.connect(server.address())) {
                client.send(RawUploadClient.header(content.length, "seed.bin"));
                assertThat(client.readAnswer()).isEqualTo("go ahead");
                client.send(content);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(received.resolve("seed.bin")));
            assertThat(Files.readAllBytes(received.resolve("seed.bin"))).isEqualTo(content);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.held() == 0);
        }
    }

    @Test
    void closeStopsAcceptingButLetsTheRunningUploadFinish() throws Exception {
        byte[] content = TestFiles.randomBytes(10_000, 7);
        EventLoopUploadServer loop = EventLoopUploadServer.bind(new InetSocketAddress("127.0.0.1", 0), received,
                LIMITS.withHeaderSettle(Duration.ofMillis(20)), ServerLog.silent());
        InProcessServer server = StageTwoServer.running(loop, received, loop::openConnections, "event-loop");
        try (RawUploadClient client = RawUploadClient.connect(server.address())) {
            client.send(RawUploadClient.header(content.length, "last.bin"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            loop.close(); // from the test's thread, as a test teardown would
            await().atMost(Duration.ofSeconds(5)).until(() -> refusesConnections(server.address()));
            client.send(content);
            assertThat(client.readLine()).isEqualTo("ok " + TestFiles.sha256(content) + "\n");
        }
        server.close();
        assertThat(Files.readAllBytes(received.resolve("last.bin"))).isEqualTo(content);
        assertThat(server.held()).isZero();
    }
}
