package transferlab.update;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.storage.Hashes;

/**
 * Issue 11 item 10: the file name in an offer is the server's text. A name the client skips (it
 * already holds those bytes) is never checked as a file name, and was printed raw; now every name is
 * printed with its control characters escaped (update.md D6, D8).
 */
class UpdateClientEscapesServerTextTest {
    @TempDir
    Path temp;

    @Test
    void aSkippedOfferWhoseNameHoldsAnEscapeSequenceIsPrintedEscaped() throws Exception {
        byte[] content = "already here".getBytes(UTF_8);
        Path dir = Files.createDirectories(temp.resolve("updates"));
        Files.write(dir.resolve("held.txt"), content);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            UpdateOffer hostile = new UpdateOffer("\u001b[2J\u001b]0;owned\u0007", content.length,
                    UpdateProtocol.wireHash(Hashes.sha256Hex(dir.resolve("held.txt"))));
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> offerOnce(fake, hostile, content));
            UpdateClient client = new UpdateClient("tester", dir, Duration.ofSeconds(10),
                    UpdateClient.DEFAULT_MAX_FILE_BYTES, new PrintStream(printed, true, UTF_8));

            assertThat(client.poll(new InetSocketAddress(InetAddress.getLoopbackAddress(), fake.getLocalPort())))
                    .isEqualTo(new PollResult(0, 1));
            served.get(10, TimeUnit.SECONDS);
        }
        assertThat(printed.toString(UTF_8)).doesNotContain("\u001b").doesNotContain("\u0007")
                .startsWith("skipped \\u001b[2J\\u001b]0;owned\\u0007: already held");
    }

    /** Reads the poll, sends one offer and its bytes, reads the ack, closes. */
    private static void offerOnce(ServerSocket listener, UpdateOffer offer, byte[] content) {
        try (Socket client = listener.accept()) {
            client.setSoTimeout(10_000);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH);
            ByteBuffer frame = offer.encode();
            out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
            out.write(content);
            UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH); // the ack
        } catch (IOException | BadFrameException e) {
            throw new IllegalStateException(e);
        }
    }
}
