package transferlab.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.cli.CommandRunner;

/**
 * Issue 8 (seed 002): {@code update-client --once} against a server that reads the poll and closes
 * without an offer must not claim "nothing more queued" as if it knew: the server may have rejected
 * the poll (the seed's real programs want another dialect). Run with
 * {@code mvn -B -q -pl multi-client -am verify -Dtest=UpdateClientClosedWithoutOfferTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class UpdateClientClosedWithoutOfferTest {
    @TempDir
    Path temp;

    @Test
    void onceSaysTheServerClosedWithoutAnOfferRatherThanNothingQueued() throws Exception {
        try (ServerSocket rejecting = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> poll = readPollAndClose(rejecting);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream oldOut = System.out;
            int exit;
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                exit = CommandRunner.run(new UpdateClientCommand(), "127.0.0.1:" + rejecting.getLocalPort(),
                        "--id", "laptop-7", "--dir", temp.resolve("updates").toString(), "--once", "--timeout", "10");
            } finally {
                System.setOut(oldOut);
            }

            await().atMost(Duration.ofSeconds(10)).until(poll::isDone);
            assertThat(new String(poll.get(), StandardCharsets.UTF_8)).as("the poll the server read")
                    .contains("\"poll\"").contains("laptop-7");
            assertThat(exit).isEqualTo(CommandRunner.OK);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("done: the server closed without an offer (nothing queued for laptop-7, "
                            + "or it did not understand the poll)")
                    .doesNotContain("nothing more queued");
        }
    }

    @Test
    void aPollThatTookFilesStillCountsThem() {
        assertThat(new PollResult(1, 1).summary("laptop-7"))
                .isEqualTo("done: 1 stored, 1 skipped, nothing more queued");
        assertThat(new PollResult(0, 2).summary("laptop-7"))
                .isEqualTo("done: 0 stored, 2 skipped, nothing more queued");
    }

    /** Accepts one client, reads its poll frame, and closes without an offer, as a server that rejects it does. */
    private static CompletableFuture<byte[]> readPollAndClose(ServerSocket socket) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket client = socket.accept()) {
                client.setSoTimeout(10_000);
                InputStream in = client.getInputStream();
                return UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH); // one poll frame, then close: a rejection
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
