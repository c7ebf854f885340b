package transferlab.upload;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import transferlab.cli.CommandRunner;
import transferlab.progress.TransferProgress;

/**
 * Issue 11 item 10: the refusal line and the {@code ok} hash are the server's text; the upload client
 * prints them with control characters escaped (upload.md U5, U14).
 */
class UploadClientEscapesServerTextTest {
    private static final String ESC = "\u001b";

    @TempDir
    Path temp;

    /** U5: a refusal instead of "go ahead", with an ESC sequence in it. */
    @Test
    void aRefusalLineIsReportedWithItsControlCharactersEscaped() throws Exception {
        Path file = Files.writeString(temp.resolve("a.txt"), "hello\n");
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> answer(fake, false,
                    "error " + ESC + "]0;owned\u0007bad-name\n"));
            assertThatThrownBy(() -> new UploadClient(Duration.ofSeconds(10))
                    .upload(address(fake), file, "a.txt", TransferProgress.hidden()))
                    .isInstanceOf(UploadFailedException.class)
                    .hasMessage("server refused: error \\u001b]0;owned\\u0007bad-name");
            served.get(10, TimeUnit.SECONDS);
        }
    }

    /** U14: a lying "ok" line whose hash is an ESC sequence is printed escaped in the mismatch line. */
    @Test
    void aLyingOkHashIsPrintedEscaped() throws Exception {
        Path file = Files.writeString(temp.resolve("b.txt"), "hello\n");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        int status;
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> answer(fake, true,
                    "ok f" + ESC + "[2J" + ESC + "[Hall fine\n"));
            System.setOut(new PrintStream(printed, true, UTF_8));
            try {
                status = CommandRunner.run(new UploadCommand(), "127.0.0.1:" + fake.getLocalPort(), file.toString());
            } finally {
                System.setOut(originalOut);
            }
            served.get(10, TimeUnit.SECONDS);
        }
        assertThat(status).isEqualTo(CommandRunner.FAILED);
        assertThat(printed.toString(UTF_8)).doesNotContain(ESC).contains("server stored f\\u001b[2J\\u001b[Hall fine");
    }

    /** Reads the header (and with {@code goAhead} the content), then sends {@code reply}. */
    private static void answer(ServerSocket listener, boolean goAhead, String reply) {
        try (Socket client = listener.accept()) {
            client.setSoTimeout(10_000);
            InputStream in = client.getInputStream();
            long size = ByteBuffer.wrap(in.readNBytes(8)).getLong();
            in.readNBytes(5); // "a.txt" / "b.txt"
            if (goAhead) {
                client.getOutputStream().write("go ahead".getBytes(US_ASCII));
                in.readNBytes((int) size);
            }
            client.getOutputStream().write(reply.getBytes(UTF_8));
            client.shutdownOutput();
            in.read(); // until the client hangs up
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetSocketAddress address(ServerSocket listener) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }
}
