package transferlab.hardening;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import transferlab.ft.FtClientCommand;
import transferlab.testkit.ChildJvm;
import transferlab.testkit.RawUploadClient;
import transferlab.update.UpdateClientCommand;
import transferlab.update.UpdateFrame;
import transferlab.update.UpdateOffer;
import transferlab.update.UpdateProtocol;
import transferlab.upload.MultiClientUploadServerCommand;

/**
 * Issue 11 item 5: SIGTERM (as Ctrl-C, a shutdown hook runs) in the middle of a transfer leaves no
 * hidden {@code .<uuid>.part} file: upload-server in every blocking and event-loop mode (U10),
 * ftclient (F23), update-client (D7). And a server that starts removes the stale temporary files a
 * killed server left, logging each, while it leaves every other file alone. Each case runs the
 * program in a JVM of its own, since only that can be sent SIGTERM.
 */
class OrderlyStopRemovesTemporaryFilesTest {
    private static final int BIG = 10_000_000;

    @TempDir
    Path dir;

    /** U10: the sweep at start, and the temporary file of an upload in flight at SIGTERM. */
    @ParameterizedTest
    @ValueSource(strings = {"iterative", "thread-per-client", "pool", "event-loop"})
    void uploadServerSweepsStaleFilesAtStartAndLeavesNoneAtSigterm(String mode) throws Exception {
        String stale = "." + UUID.randomUUID() + ".part";
        Files.writeString(dir.resolve(stale), "left by a server killed mid-upload");
        Files.setLastModifiedTime(dir.resolve(stale), FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        String fresh = "." + UUID.randomUUID() + ".part"; // as a second server's upload in flight: kept
        Files.writeString(dir.resolve(fresh), "being written right now");
        Files.writeString(dir.resolve(".not-ours.part"), "a name we never give: kept");
        Files.writeString(dir.resolve("notes.txt"), "a file: kept");

        try (ChildJvm server = ChildJvm.start(MultiClientUploadServerCommand.class, "--mode", mode,
                "--bind", "127.0.0.1", "--port", "0", "--dir", dir.toString());
             RawUploadClient client = RawUploadClient.connect(
                     new InetSocketAddress("127.0.0.1", server.awaitListeningPort()))) {
            assertThat(server.awaitLine(line -> line.contains("removed " + stale))).contains("stopped mid-upload");
            assertThat(namesIn(dir)).containsExactlyInAnyOrder(fresh, ".not-ours.part", "notes.txt");

            client.send(RawUploadClient.header(BIG, "big.bin"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(new byte[100_000]);
            await().atMost(Duration.ofSeconds(20)).until(() -> namesIn(dir).size() == 4);

            assertThat(server.terminate()).as("exit status after SIGTERM").isEqualTo(143);
        }
        assertThat(namesIn(dir)).containsExactlyInAnyOrder(fresh, ".not-ours.part", "notes.txt");
    }

    /** F23: ftclient stopped while the data arrives. */
    @Test
    void ftclientLeavesNoTemporaryFileAtSigterm() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch dataSent = new CountDownLatch(1);
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> trickleFt(fake, dataSent, stopped));
            try (ChildJvm ftclient = ChildJvm.start(FtClientCommand.class, "127.0.0.1",
                    String.valueOf(fake.getLocalPort()), "-g", "big.bin", "0", "--dir", dir.toString())) {
                // While the data arrives: the client's temporary file may exist before it even sent its
                // command, so a file alone is not the moment to stop it.
                await().atMost(Duration.ofSeconds(20)).until(() -> dataSent.getCount() == 0 && !namesIn(dir).isEmpty());
                assertThat(ftclient.terminate()).isEqualTo(143);
            } finally {
                stopped.countDown();
            }
            served.get(20, TimeUnit.SECONDS);
        }
        assertThat(namesIn(dir)).isEmpty();
    }

    /** D7: update-client stopped while an offered file arrives. */
    @Test
    void updateClientLeavesNoTemporaryFileAtSigterm() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> trickleUpdate(fake, stopped));
            try (ChildJvm client = ChildJvm.start(UpdateClientCommand.class, "127.0.0.1:" + fake.getLocalPort(),
                    "--id", "tester", "--dir", dir.toString(), "--once")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !namesIn(dir).isEmpty());
                assertThat(client.terminate()).isEqualTo(143);
            } finally {
                stopped.countDown();
            }
            served.get(20, TimeUnit.SECONDS);
        }
        assertThat(namesIn(dir)).isEmpty();
    }

    /** A protocol F server that announces BIG bytes, sends a few, and holds the connection until released. */
    private static void trickleFt(ServerSocket listener, CountDownLatch sent, CountDownLatch release) {
        try (Socket control = listener.accept()) {
            control.setSoTimeout(20_000);
            String command = readLine(control.getInputStream());
            int dataPort = Integer.parseInt(command.substring(command.lastIndexOf(' ') + 1).trim());
            try (Socket data = new Socket(control.getInetAddress(), dataPort)) {
                control.getOutputStream().write(("OK " + BIG + "\n").getBytes(US_ASCII));
                data.getOutputStream().write(new byte[100_000]);
                sent.countDown();
                release.await(20, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A protocol D server that offers BIG bytes, sends a few, and holds the connection until released. */
    private static void trickleUpdate(ServerSocket listener, CountDownLatch release) {
        try (Socket client = listener.accept()) {
            client.setSoTimeout(20_000);
            UpdateFrame.read(client.getInputStream(), UpdateFrame.MAX_WIRE_LENGTH);
            ByteBuffer offer = new UpdateOffer("big.bin", BIG, UpdateProtocol.wireHash("0".repeat(64))).encode();
            OutputStream out = client.getOutputStream();
            out.write(offer.array(), offer.arrayOffset() + offer.position(), offer.remaining());
            out.write(new byte[100_000]);
            release.await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            line.append((char) b);
        }
        return line.toString();
    }

    private static List<String> namesIn(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
