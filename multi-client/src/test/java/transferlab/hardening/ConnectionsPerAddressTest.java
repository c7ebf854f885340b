package transferlab.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import transferlab.server.ServerLog;
import transferlab.stagetwo.StageTwoServer;
import transferlab.testkit.InProcessServer;
import transferlab.testkit.RawUploadClient;
import transferlab.update.UpdateFrame;
import transferlab.update.UpdateLimits;
import transferlab.update.UpdateOffer;
import transferlab.update.UpdateRequest;
import transferlab.update.UpdateServer;
import transferlab.upload.UploadLimits;

/**
 * Issue 11 item 6: one host cannot hold every slot. With at most 3 connections per address, a
 * fourth from 127.0.0.1 gets {@code error busy} (upload.md U19) and is closed, while a client from
 * another address (127.0.0.2, also loopback on Linux) is served at once, and 127.0.0.1 is served
 * again as soon as one of its connections ends. Every concurrent mode.
 */
class ConnectionsPerAddressTest {
    @TempDir
    Path received;

    @ParameterizedTest(name = "{0}")
    @EnumSource(StageTwoServer.class)
    void aFourthConnectionFromOneAddressIsBusyWhileOthersAreServed(StageTwoServer kind) throws Exception {
        UploadLimits limits = UploadLimits.defaults().withMaxConnections(100).withMaxPerAddress(3)
                .withHeaderSettle(Duration.ofMillis(20));
        try (InProcessServer server = kind.start(received, limits)) {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) { // connect, say nothing: each holds a slot for the idle timeout
                    idle.add(connect(server.address(), "127.0.0.1"));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> server.held() == 3 || kind == StageTwoServer.POOL);

                try (Socket fourth = connect(server.address(), "127.0.0.1")) {
                    fourth.getOutputStream().write(RawUploadClient.header(5, "fourth.txt"));
                    assertThat(readAll(fourth.getInputStream())).startsWith("error busy: ")
                            .contains("3 connections from your address");
                }
                try (Socket other = connect(server.address(), "127.0.0.2")) {
                    other.getOutputStream().write(RawUploadClient.header(5, "other.txt"));
                    assertThat(new String(other.getInputStream().readNBytes(8), StandardCharsets.US_ASCII))
                            .as("another address is served").isEqualTo("go ahead");
                }

                idle.remove(0).close();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    try (Socket again = connect(server.address(), "127.0.0.1")) {
                        again.getOutputStream().write(RawUploadClient.header(5, "again.txt"));
                        assertThat(new String(again.getInputStream().readNBytes(8), StandardCharsets.US_ASCII))
                                .as("a slot of 127.0.0.1 is free again").isEqualTo("go ahead");
                    }
                });
            } finally {
                for (Socket socket : idle) {
                    socket.close();
                }
            }
        }
    }

    /** D14: the update server has no busy line; a third connection from one address is closed at once. */
    @Test
    void updateServerClosesAThirdConnectionFromOneAddressAndServesAnother() throws Exception {
        Path outbox = received.resolve("outbox");
        Files.createDirectories(outbox.resolve("laptop-7"));
        Files.writeString(outbox.resolve("laptop-7").resolve("patch.txt"), "queued\n");
        UpdateLimits limits = UpdateLimits.defaults().withMaxPerAddress(2);
        UpdateServer update = UpdateServer.bind(new InetSocketAddress("127.0.0.1", 0), outbox, limits,
                ServerLog.silent());
        try (InProcessServer server = StageTwoServer.running(update, outbox, () -> 0, "update")) {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    idle.add(connect(server.address(), "127.0.0.1"));
                }
                try (Socket third = connect(server.address(), "127.0.0.1")) {
                    assertThat(third.getInputStream().read()).as("closed without a byte").isEqualTo(-1);
                }
                try (Socket other = connect(server.address(), "127.0.0.2")) {
                    ByteBuffer poll = UpdateRequest.poll("laptop-7").encode();
                    other.getOutputStream().write(poll.array(), poll.arrayOffset() + poll.position(), poll.remaining());
                    byte[] offer = UpdateFrame.read(other.getInputStream(), UpdateFrame.MAX_WIRE_LENGTH);
                    assertThat(offer).as("another address is served").isNotNull();
                    assertThat(UpdateOffer.parse(offer).fileName()).isEqualTo("patch.txt");
                }
            } finally {
                for (Socket socket : idle) {
                    socket.close();
                }
            }
        }
    }

    private static Socket connect(InetSocketAddress server, String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(server, 10_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
