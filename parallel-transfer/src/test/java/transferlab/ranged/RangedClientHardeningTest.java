package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.cli.HostPort;
import transferlab.testkit.Requirement;
import transferlab.testkit.TestFiles;
import transferlab.server.ServerLog;
import transferlab.storage.ServedDirectory;

/**
 * Our ranged client against lying, flooding and stopped servers (issue 11, items 1, 2, 3, 5): each
 * fails cleanly and quickly, and leaves neither the output nor a temporary file. The lying server is
 * a {@link ServerSocket} in this test that answers every control request with the bytes given.
 */
class RangedClientHardeningTest {
    private static final String HASH = "0123456789abcdef0123456789abcdef";
    /** The start of a lying offer; see {@link #json}. Nothing listens on port 9 (discard) here. */
    private static final String OFFERED = "\"hash\": \"" + HASH + "\", \"md5\": \"" + HASH + "\", \"port\": 9, ";
    /** Far below any idle timeout involved: a client that waits for the timeout fails the test. */
    private static final Duration QUICKLY = Duration.ofSeconds(10);

    @TempDir
    Path downloads;
    private ServerSocket liar;
    private Thread answering;

    @AfterEach
    void stopTheLiar() throws Exception {
        if (liar != null) {
            liar.close();
            answering.join(10_000);
        }
    }

    /** Answers each control connection: reads the request's head, then writes what {@code reply} writes. */
    private InetSocketAddress lyingServer(ReplyWriter reply) throws IOException {
        liar = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        answering = new Thread(() -> {
            while (!liar.isClosed()) {
                try (Socket connection = liar.accept()) {
                    InputStream in = connection.getInputStream();
                    int matched = 0;
                    while (matched < 4) { // up to the blank line; the body is small and ignored
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    reply.write(connection.getOutputStream());
                } catch (IOException closedOrGone) {
                    // the client gave up, as it should; or the test is over
                }
            }
        }, "lying-ranged-server");
        answering.start();
        return new InetSocketAddress(liar.getInetAddress(), liar.getLocalPort());
    }

    @FunctionalInterface
    private interface ReplyWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * A 200 reply with this JSON body. The lying offers carry "md5" beside "hash" (an unknown field
     * to this client) so that this kit's earlier client, which read "md5", fell for them as well.
     */
    private static ReplyWriter json(String body) {
        return out -> out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
    }

    private void assertNothingLeft() throws IOException {
        try (Stream<Path> left = Files.list(downloads)) {
            assertThat(left).as("no output and no temporary file").isEmpty();
        }
    }

    /** Item 1: size 2^63-1, N = 1, block size -2^63 once made S div N + 1 overflow into agreement. */
    @Test
    @Requirement({"R6", "R15"})
    void aSizeThatOverflowsTheBlockFormulaIsRefusedAtOnce() throws Exception {
        InetSocketAddress server = lyingServer(json("{" + OFFERED + "\"size\": "
                + Long.MAX_VALUE + ", \"block-size\": " + Long.MIN_VALUE + ", \"threads\": 1}"));
        RangedClient client = new RangedClient(Duration.ofSeconds(30), 3, Long.MAX_VALUE); // no size cap

        assertTimeoutPreemptively(QUICKLY, () -> assertThatThrownBy(
                () -> client.download(server, "big.bin", 1, downloads.resolve("big.bin")))
                .isInstanceOf(DownloadFailedException.class).hasMessageContaining("overflows"));
        assertNothingLeft();
    }

    /** Item 2: a reply announcing 4 GB and streaming it is cut at the reply cap, not buffered. */
    @Test
    @Requirement("R3")
    void aHugeControlReplyIsCutAtItsCap() throws Exception {
        AtomicLong sent = new AtomicLong();
        InetSocketAddress server = lyingServer(out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 4000000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] junk = new byte[64 * 1024];
            while (sent.get() < 4_000_000_000L) {
                out.write(junk);
                sent.addAndGet(junk.length);
            }
        });
        assertTimeoutPreemptively(QUICKLY, () -> assertThatThrownBy(
                () -> new RangedClient().download(server, "f.bin", 4, downloads.resolve("f.bin")))
                .isInstanceOf(DownloadFailedException.class).hasMessageContaining("longer than 4096 bytes"));
        assertThat(sent.get()).as("what the server managed to push before the client closed").isLessThan(64L << 20);
        assertNothingLeft();
    }

    /** Item 2: a server that trickles its reply body is cut off: the reply must be in within the idle timeout. */
    @Test
    @Requirement("R3")
    void aTricklingControlReplyTimesOut() throws Exception {
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        CompletableFuture<Void> gone = new CompletableFuture<>();
        InetSocketAddress server = lyingServer(out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ticks.scheduleAtFixedRate(() -> { // a body byte every 100 ms: never idle for a whole second
                try {
                    out.write('X');
                    out.flush();
                } catch (IOException e) {
                    gone.complete(null);
                    throw new IllegalStateException("the client closed: stop ticking", e);
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            gone.orTimeout(60, TimeUnit.SECONDS).exceptionally(timedOut -> null).join();
        });
        RangedClient client = new RangedClient(Duration.ofSeconds(1), 0);
        try {
            assertTimeoutPreemptively(QUICKLY, () -> assertThatThrownBy(
                    () -> client.download(server, "f.bin", 4, downloads.resolve("f.bin")))
                    .isInstanceOf(DownloadFailedException.class).hasMessageContaining("did not answer within 1 s"));
        } finally {
            ticks.shutdownNow();
            gone.complete(null);
        }
        assertNothingLeft();
    }

    /** Item 3: an announced size above --max-size is refused before any data connection. */
    @Test
    @Requirement("R15")
    void aFileAboveMaxSizeIsRefusedBeforeAnyByte() throws Exception {
        InetSocketAddress server = lyingServer(json("{" + OFFERED + "\"size\": "
                + (5L << 30) + ", \"block-size\": " + ((5L << 30) / 4 + 1) + ", \"threads\": 4}"));
        assertThatThrownBy(() -> new RangedClient().download(server, "f.bin", 4, downloads.resolve("f.bin")))
                .isInstanceOf(DownloadFailedException.class).hasMessageContaining("--max-size");
        assertNothingLeft();
    }

    /** Item 3: below --max-size but above the free space: refused before the file is pre-sized. */
    @Test
    @Requirement("R15")
    void aFileLargerThanTheFreeSpaceIsRefusedBeforePreSizing() throws Exception {
        long free = Files.getFileStore(downloads).getUsableSpace();
        long size = free + (1L << 30);
        InetSocketAddress server = lyingServer(json("{" + OFFERED + "\"size\": " + size + ", \"block-size\": "
                + (size / 4 + 1) + ", \"threads\": 4}"));
        RangedClient client = new RangedClient(Duration.ofSeconds(30), 3, Long.MAX_VALUE / 2);
        assertThatThrownBy(() -> client.download(server, "f.bin", 4, downloads.resolve("f.bin")))
                .isInstanceOf(DownloadFailedException.class).hasMessageContaining("bytes free");
        assertNothingLeft();
    }

    /** Item 3: a server that says no size and then sends more than --max-size is cut off. */
    @Test
    @Requirement("R15")
    void aSizelessServerSendingMoreThanMaxSizeIsCutOff() throws Exception {
        try (ServerSocket data = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread flooding = new Thread(() -> {
                try (Socket connection = data.accept()) {
                    connection.getInputStream().read();
                    byte[] junk = new byte[64 * 1024];
                    for (int i = 0; i < 1024; i++) { // 64 MiB at most
                        connection.getOutputStream().write(junk);
                    }
                } catch (IOException cutOff) {
                    // as expected
                }
            }, "flooding-data-port");
            flooding.start();
            InetSocketAddress server = lyingServer(json("{\"hash\": \"" + HASH + "\", \"port\": "
                    + data.getLocalPort() + "}"));
            RangedClient client = new RangedClient(Duration.ofSeconds(30), 3, 1 << 20);
            assertThatThrownBy(() -> client.download(server, "f.bin", 1, downloads.resolve("f.bin")))
                    .isInstanceOf(DownloadFailedException.class).hasMessageContaining("--max-size");
            flooding.join(10_000);
        }
        assertNothingLeft();
    }

    /** Item 5: SIGTERM in the middle of a download runs the shutdown hook: no hidden .part stays. */
    @Test
    @Requirement("R15")
    void sigtermLeavesNoTemporaryFile(@TempDir Path root) throws Exception {
        Files.write(root.resolve("slow.bin"), TestFiles.randomBytes(4 << 20, 11));
        RangedServer server = RangedServer.bind(new InetSocketAddress("127.0.0.1", 0), new ServedDirectory(root),
                RangedLimits.defaults().withRatePerConnection(256 * 1024), ServerLog.silent()); // 8+ s over 2 blocks
        Thread serving = server.serveInBackground("ranged-sigterm");
        Process client = null;
        try {
            client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), RangedClientCommand.class.getName(),
                    HostPort.format(server.address()), "2", "slow.bin", downloads.resolve("slow.bin").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (Stream<Path> files = Files.list(downloads)) {
                    return files.anyMatch(p -> p.getFileName().toString().endsWith(".part"));
                }
            });
            try (Stream<Path> files = Files.list(downloads)) { // item 11: named as R15 says, .<uuid>.part
                assertThat(files.map(p -> p.getFileName().toString()))
                        .allMatch(name -> name.matches("\\.[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\\.part"));
            }
            client.destroy(); // SIGTERM
            assertThat(client.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(client.exitValue()).isEqualTo(143);
            assertNothingLeft();
        } finally {
            if (client != null) {
                client.destroyForcibly();
            }
            server.close();
            serving.join(10_000);
        }
    }

    /** Item 11: ranged.md names the temporary file as the code does: {@code .<uuid>.part}, not with OFILE in it. */
    @Test
    @Requirement("R15")
    void theSpecNamesTheTemporaryFileAsTheClientDoes() throws IOException {
        String spec = Files.readString(Path.of("..", "resources", "protocols", "ranged.md"));
        assertThat(spec).contains("`.<uuid>.part`").doesNotContain(".OFILE.<uuid>.part");
    }
}
