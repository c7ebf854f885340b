package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.Requirement;
import transferlab.server.ServerLog;
import transferlab.storage.ServedDirectory;
import transferlab.testkit.TestFiles;

/**
 * Our server's own limits (extensions of protocol R): the idle timeout of data connections and
 * listeners, the cap on open listeners, the per-connection rate limit, and the MD5 cache.
 */
class RangedServerLimitsTest {
    private static final JsonMapper JSON = new JsonMapper();
    @TempDir
    Path root;
    @TempDir
    Path downloads;
    private RangedServer server;
    private Thread serving;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private void start(RangedLimits limits) throws IOException {
        server = RangedServer.bind(new InetSocketAddress("127.0.0.1", 0), new ServedDirectory(root), limits,
                ServerLog.silent());
        serving = server.serveInBackground("ranged-limits");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
            serving.join(10_000);
        }
    }

    private HttpResponse<byte[]> post(String path, int threads) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("{\"threads\": "
                + threads + "}"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    @Requirement({"R12", "R13"})
    void aSilentConnectionIsClosedAndAnIdleListenerCloses() throws Exception {
        start(RangedLimits.defaults().withIdleTimeout(Duration.ofSeconds(1)));
        byte[] content = TestFiles.randomBytes(10_000, 1);
        Files.write(root.resolve("f.bin"), content);
        JsonNode offer = JSON.readTree(post("/f.bin", 2).body());
        int port = offer.get("port").asInt();
        try (Socket silent = new Socket("127.0.0.1", port)) {
            silent.setSoTimeout(10_000);
            assertThat(silent.getInputStream().read()).as("the server closes a silent connection").isEqualTo(-1);
        }
        // No block was ever sent, so only the idle timeout ends the listener.
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openDataListeners() == 0);
    }

    @Test
    @Requirement("R19")
    void tooManyOpenListenersIs503() throws Exception {
        start(RangedLimits.defaults().withMaxDataListeners(1));
        Files.write(root.resolve("f.bin"), TestFiles.randomBytes(100, 2));
        assertThat(post("/f.bin", 1).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> busy = post("/f.bin", 1);
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(new String(busy.body())).contains("try again later");
        assertThat(server.openDataListeners()).isEqualTo(1);
    }

    /**
     * With a limit of R bytes/s a block of L bytes cannot arrive before L / R seconds: a chunk is not
     * sent before its last byte is due, so not even the first chunk comes early. A lower bound, so
     * no timing luck.
     */
    @Test
    @Requirement("R18")
    void theRateLimitHoldsEachConnectionBack() throws Exception {
        long rate = 2 << 20;
        start(RangedLimits.defaults().withRatePerConnection(rate));
        byte[] content = TestFiles.randomBytes(1 << 20, 3);
        Files.write(root.resolve("f.bin"), content);
        Instant began = Instant.now();
        new RangedClient().download(server.address(), "f.bin", 1, downloads.resolve("f.bin"));
        Duration took = Duration.between(began, Instant.now());
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofNanos((long) (content.length * 1e9 / rate)));
        assertThat(Files.readAllBytes(downloads.resolve("f.bin"))).isEqualTo(content);
    }

    /**
     * No byte leaves before it is due, the first chunk included: at every write the bytes sent so far
     * are at most rate × the time since the block began. Were a chunk sent first and paced after,
     * every new connection would get a chunk (1/20 s of the rate) for free, and a client asking for
     * many small blocks a speed the limit does not allow. A lower bound on time, so no timing luck.
     */
    @Test
    @Requirement("R18")
    void noByteIsSentBeforeItIsDue() throws Exception {
        long rate = 4 << 20;
        Path file = Files.write(root.resolve("f.bin"), TestFiles.randomBytes(1 << 20, 6));
        List<long[]> writes = new ArrayList<>(); // {nanos since the start, bytes sent after this write}
        long began = System.nanoTime();
        WritableByteChannel clocked = new WritableByteChannel() {
            long sent;

            @Override
            public int write(ByteBuffer bytes) {
                int n = bytes.remaining();
                long at = System.nanoTime() - began;
                bytes.position(bytes.limit());
                sent += n;
                writes.add(new long[] {at, sent});
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        try (FileChannel channel = FileChannel.open(file)) {
            new BlockSender(rate).send(channel, 0, channel.size(), clocked, new AtomicLong());
        }
        assertThat(writes).isNotEmpty().last().satisfies(last -> assertThat(last[1]).isEqualTo(1 << 20));
        assertThat(writes).allSatisfy(write -> assertThat(write[0])
                .as("%d bytes sent at %d ns", write[1], write[0])
                .isGreaterThanOrEqualTo((long) (write[1] * 1e9 / rate)));
    }

    @Test
    @Requirement("R16")
    void theMd5IsComputedOnceAndAgainOnlyWhenSizeOrTimeChange() throws Exception {
        Path file = Files.write(root.resolve("f.bin"), TestFiles.randomBytes(5000, 4));
        Md5Cache cache = new Md5Cache();
        String first = cache.md5Hex(file);
        FileTime modified = Files.getLastModifiedTime(file);
        Files.write(file, TestFiles.randomBytes(5000, 5)); // same size, new bytes ...
        Files.setLastModifiedTime(file, modified); // ... same time: the cache cannot tell
        assertThat(cache.md5Hex(file)).as("served from the cache").isEqualTo(first);
        Files.setLastModifiedTime(file, FileTime.fromMillis(modified.toMillis() + 2000));
        assertThat(cache.md5Hex(file)).as("recomputed after the time changed")
                .isNotEqualTo(first).isEqualTo(transferlab.storage.Hashes.md5Hex(file));
    }
}
