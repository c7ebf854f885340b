package transferlab.contract.ranged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static transferlab.testkit.SuiteTimeouts.scaled;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import transferlab.contract.Timeline;
import transferlab.testkit.Requirement;
import transferlab.testkit.ServerUnderTest;
import transferlab.testkit.RawRangedClient;
import transferlab.testkit.RawRangedClient.Download;
import transferlab.testkit.RawRangedClient.Offer;
import transferlab.testkit.RawRangedClient.Reply;
import transferlab.testkit.TestFiles;

/**
 * The contract of protocol R (resources/protocols/ranged.md) that every ranged download server must
 * keep, ours or a student's. A subclass says how to start a server over a directory; each test gets
 * a fresh server over a fresh directory, puts files there, and talks to it over real loopback
 * sockets: whole downloads with the {@link RawRangedClient} instrument (never stage 3's client, which
 * in a student tree is an exercise), and block by block with raw sockets.
 *
 * <p>"No data listener left open" (R11, R13): a server's data listeners are on ports the suite cannot
 * guess, so a subclass that can see inside its server overrides {@link #openDataListeners} (ours
 * counts them); for any other server the suite checks what the wire shows: an error answer names no
 * port. Sizes: 0, 1, N-1, N, N+1, (N-1)·N (= k·B with k = N-1, B = N: the last block is empty) and
 * 1 MiB for N = 1, 2, 7, 64, 255; 64 MiB only for N = 2 and 64, which is where the time goes.
 *
 * <p>Fair to a seed-000 server (issue 8): the core tests name files the way the seed's client does
 * ({@code file.bin}, sent unchanged as the request path, relative to the served directory) and read
 * only {@code "hash"} and {@code "port"} from the reply; the extras {@code size}, {@code block-size},
 * {@code threads} (R20), the other path forms (R21) and confinement (R8) are extensions.
 */
public abstract class RangedContract {
    /** Every contract runs at least 16 clients at once (tests/README.md). */
    protected static final int CLIENTS_AT_ONCE = 16;

    private static final JsonMapper JSON = new JsonMapper();
    /** The longest wait for a step of a failing server, at timeout factor 1 (scaled where it is used). */
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final int[] THREAD_COUNTS = {1, 2, 7, 64, 255};
    private static final int[] BIG_FILE_THREADS = {2, 64};

    @TempDir
    protected Path root;
    @TempDir
    protected Path downloads;
    protected ServerUnderTest server;

    /** Starts the server under test over {@code root}; its address is the HTTP control address. */
    protected abstract ServerUnderTest startServer(Path root) throws Exception;

    /** The server's open data listeners, when the suite can see them (in-process servers); empty otherwise. */
    protected OptionalInt openDataListeners(ServerUnderTest server) {
        return OptionalInt.empty();
    }

    /** The test's own notes, for the grader's timeline of a failure ({@link Timeline}). */
    protected Timeline timeline;

    @BeforeEach
    void openTimeline(TestReporter reporter) {
        timeline = new Timeline(reporter);
        client = new RawRangedClient(scaled(PATIENCE), note -> timeline.note("%s", note));
    }

    /** Whole downloads and raw requests, telling the timeline what it does. */
    protected RawRangedClient client;

    @BeforeEach
    void startTheServer() throws Exception {
        server = startServer(root);
    }

    @AfterEach
    void stopTheServer() {
        server.close();
    }

    // ---- whole downloads ---------------------------------------------------------------------

    static Stream<Arguments> sizesAndThreads() {
        List<Arguments> cases = new ArrayList<>();
        for (int n : THREAD_COUNTS) {
            Set<Long> sizes = new LinkedHashSet<>(List.of(0L, 1L, n - 1L, (long) n, n + 1L, (long) (n - 1) * n,
                    1L << 20));
            for (int big : BIG_FILE_THREADS) {
                if (big == n) {
                    sizes.add(64L << 20);
                }
            }
            sizes.forEach(size -> cases.add(Arguments.of(size, n)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} bytes over {1} connections")
    @MethodSource("sizesAndThreads")
    @Requirement({"R1", "R2", "R3", "R4", "R5", "R6"})
    void everyDownloadIsIntact(long size, int threads) throws Exception {
        byte[] content = TestFiles.randomBytes(size, size * 31 + threads);
        Files.write(root.resolve("file.bin"), content);
        Path output = downloads.resolve("copy.bin");

        Download result = client.download(server.address(), "file.bin", threads, output);

        assertThat(result.size()).isEqualTo(size);
        assertThat(result.offer().hash()).isEqualTo(TestFiles.md5(content));
        assertThat(Files.mismatch(root.resolve("file.bin"), output)).isEqualTo(-1L);
        assertThat(downloads).isDirectoryContaining(p -> p.equals(output));
        try (Stream<Path> left = Files.list(downloads)) {
            assertThat(left).containsExactly(output); // no temporary file beside it
        }
        assertListenersClose(); // R13: every block was sent whole once
    }

    @Test
    @Requirement({"R1", "R3"})
    void theReplyHasTheSeedsFields() throws Exception {
        Files.write(root.resolve("ten.bin"), TestFiles.randomBytes(10, 10));
        Reply reply = post("ten.bin", "{\"threads\": 4}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        JsonNode offer = JSON.readTree(reply.body());
        assertThat(offer.path("hash").textValue()).as(reply.text()).isEqualTo(TestFiles.md5(root.resolve("ten.bin")));
        assertThat(offer.path("port").isIntegralNumber()).as(reply.text()).isTrue();
        assertThat(offer.get("port").asInt()).isBetween(1, 65535);
        fetchEveryBlockRaw(offer, 4, TestFiles.randomBytes(10, 10)); // leave no listener behind
    }

    @Test
    @Requirement("R20")
    void theReplyCarriesTheExtras() throws Exception {
        Files.write(root.resolve("ten.bin"), TestFiles.randomBytes(10, 10));
        Reply reply = post("ten.bin", "{\"threads\": 4}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        JsonNode offer = JSON.readTree(reply.body());
        assertThat(offer.path("size").isIntegralNumber()).as(reply.text()).isTrue();
        assertThat(offer.get("size").asLong()).isEqualTo(10);
        assertThat(offer.get("block-size").asLong()).isEqualTo(3); // 10 div 4 + 1
        assertThat(offer.get("threads").asInt()).isEqualTo(4);
        Offer.parse(reply.body(), 4); // the types are strict: numbers, not strings
        fetchEveryBlockRaw(offer, 4, TestFiles.randomBytes(10, 10));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"slash", "plain", "absolute"})
    @Requirement("R21")
    void theSeedClientsThreePathFormsAreServed(String form) throws Exception {
        byte[] content = TestFiles.randomBytes(20_000, 21);
        Files.write(root.resolve("named.bin"), content);
        String path = switch (form) {
            case "slash" -> "/named.bin";
            case "plain" -> "named.bin";
            default -> root.toRealPath().resolve("named.bin").toString();
        };
        Path output = downloads.resolve("named.bin");
        client.download(server.address(), path, 3, output);
        assertThat(Files.readAllBytes(output)).isEqualTo(content);
        assertListenersClose();
    }

    @Test
    @Requirement({"R8", "R21"})
    void anAbsolutePathOutOfTheRootIsNeverServed(@TempDir Path outside) throws Exception {
        Files.write(outside.resolve("secret.txt"), "not yours".getBytes(StandardCharsets.UTF_8));
        String body = "{\"threads\": 1}";
        String realRoot = root.toRealPath().toString();
        assertRefused(rawPost(realRoot + "/../" + root.getFileName() + "/../" + outside.getFileName() + "/secret.txt",
                body), 403);
        assertRefused(rawPost("../" + outside.getFileName() + "/secret.txt", body), 403);
        // Outside the root an absolute path is read as relative to it: it names nothing there.
        Reply outsidePath = rawPost(outside.toRealPath().resolve("secret.txt").toString(), body);
        assertRefused(outsidePath, 404);
        assertThat(outsidePath.text()).doesNotContain("not yours");
    }

    // ---- byte level --------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} bytes, {1} blocks, asked for in reverse")
    @MethodSource("rawCases")
    @Requirement({"R4", "R5"})
    void aRawClientGetsExactlyEachBlock(long size, int threads) throws Exception {
        byte[] content = TestFiles.randomBytes(size, size + 7);
        Files.write(root.resolve("raw.bin"), content);
        JsonNode offer = offer("raw.bin", threads);
        long blockSize = size / threads + 1;
        for (int block = threads - 1; block >= 0; block--) { // order does not matter
            byte[] got = fetchBlockRaw(offer.get("port").asInt(), block);
            int from = (int) Math.min(size, block * blockSize);
            int to = (int) Math.min(size, (block + 1) * blockSize);
            assertThat(got).as("block %d of %d", block, threads).isEqualTo(Arrays.copyOfRange(content, from, to));
        }
        assertListenersClose();
    }

    static Stream<Arguments> rawCases() {
        return Stream.of(Arguments.of((1L << 20) + 3, 7), Arguments.of(5L, 7), Arguments.of(0L, 2),
                Arguments.of(42L, 7), Arguments.of(1000L, 255));
    }

    @Test
    @Requirement("R13")
    void aBlockMayBeAskedForAgainWhileTheListenerLives() throws Exception {
        byte[] content = TestFiles.randomBytes(100_000, 3);
        Files.write(root.resolve("again.bin"), content);
        JsonNode offer = offer("again.bin", 3);
        int port = offer.get("port").asInt();
        byte[] first = fetchBlockRaw(port, 0);
        byte[] second = fetchBlockRaw(port, 0); // block 1 and 2 were never sent, so the listener lives
        assertThat(second).isEqualTo(first).isEqualTo(Arrays.copyOfRange(content, 0, 33_334));
        assertThat(fetchBlockRaw(port, 2)).isEqualTo(Arrays.copyOfRange(content, 66_668, 100_000));
        assertThat(fetchBlockRaw(port, 1)).isEqualTo(Arrays.copyOfRange(content, 33_334, 66_668));
        assertListenersClose();
    }

    @Test
    @Requirement("R12")
    void aBlockNumberOfNOrMoreGetsNoDataAndHurtsNoOtherConnection() throws Exception {
        byte[] content = TestFiles.randomBytes(3000, 4);
        Files.write(root.resolve("ids.bin"), content);
        JsonNode offer = offer("ids.bin", 3);
        int port = offer.get("port").asInt();
        assertThat(fetchBlockRaw(port, 3)).isEmpty();
        assertThat(fetchBlockRaw(port, 255)).isEmpty();
        fetchEveryBlockRaw(offer, 3, content);
        assertListenersClose();
    }

    // ---- bad requests ------------------------------------------------------------------------

    @ParameterizedTest(name = "body {0}")
    @ValueSource(strings = {"{\"threads\": 0}", "{\"threads\": 256}", "{\"threads\": -1}", "{\"threads\": \"x\"}",
            "{\"threads\": \"4\"}", "{\"threads\": 2.5}", "{}", "{\"thread\": 4}", "{\"threads\":", "not json", "",
            "[4]", "4", "{\"threads\": 4} {\"threads\": 5}"})
    @Requirement({"R2", "R7", "R11"})
    void aBadBodyIs400(String body) throws Exception {
        Files.write(root.resolve("file.bin"), TestFiles.randomBytes(100, 1));
        assertRefused(post("/file.bin", body), 400);
    }

    @Test
    @Requirement({"R9", "R11"})
    void aMissingFileIs404() throws Exception {
        assertRefused(post("/missing.bin", "{\"threads\": 4}"), 404);
        assertRefused(post("/no/such/dir/file.bin", "{\"threads\": 4}"), 404);
    }

    @Test
    @Requirement({"R9", "R11"})
    void aDirectoryIs404() throws Exception {
        Files.createDirectories(root.resolve("sub"));
        Files.write(root.resolve("sub/inner.bin"), TestFiles.randomBytes(10, 2));
        assertRefused(post("/sub", "{\"threads\": 4}"), 404);
    }

    @Test
    @Requirement({"R8", "R11"})
    void dotDotIs403EvenWhenSentRaw() throws Exception {
        // HttpClient would normalize the path away, so these go over a plain socket.
        String body = "{\"threads\": 1}";
        assertRefused(rawPost("/../etc/passwd", body), 403);
        assertRefused(rawPost("/%2e%2e/etc/passwd", body), 403);
        assertRefused(rawPost("/./../../etc/passwd", body), 403);
    }

    @Test
    @Requirement({"R8", "R11"})
    void aSymbolicLinkOutOfTheRootIs403() throws Exception {
        // Targets every server can see, boxed or not (a grader's sandbox hides other temporary
        // directories, and a link to what a server cannot see is rightly a 404): a readable system file.
        Path secret = Path.of("/etc/hosts");
        Files.createSymbolicLink(root.resolve("link.txt"), secret);
        Files.createSymbolicLink(root.resolve("linkdir"), secret.getParent());
        assertRefused(post("/link.txt", "{\"threads\": 1}"), 403);
        assertRefused(post("/linkdir/hosts", "{\"threads\": 1}"), 403);
    }

    @Test
    @Requirement({"R8"})
    void aSymbolicLinkInsideTheRootIsServed() throws Exception {
        byte[] content = TestFiles.randomBytes(5000, 9);
        Files.write(root.resolve("real.bin"), content);
        Files.createSymbolicLink(root.resolve("alias.bin"), root.resolve("real.bin"));
        Path output = downloads.resolve("alias.bin");
        client.download(server.address(), "alias.bin", 3, output);
        assertThat(Files.readAllBytes(output)).isEqualTo(content);
        assertListenersClose();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET", "PUT", "DELETE"})
    @Requirement({"R10", "R11"})
    void otherMethodsAre405(String method) throws Exception {
        Files.write(root.resolve("file.bin"), TestFiles.randomBytes(100, 1));
        Reply reply = rawRequest(method, "/file.bin", "{\"threads\": 4}");
        assertRefused(reply, 405);
        assertThat(reply.head().toLowerCase(java.util.Locale.ROOT)).as(reply.head()).contains("\r\nallow: post");
    }

    @Test
    @Requirement({"R6", "R9"})
    void aDownloadOfAMissingFileGetsTheStatusAndLeavesNothing() {
        Path output = downloads.resolve("never.bin");
        assertThatThrownBy(() -> client.download(server.address(), "missing.bin", 4, output))
                .isInstanceOf(RawRangedClient.Failed.class)
                .hasMessageContaining("404");
        assertThat(downloads).isEmptyDirectory();
    }

    // ---- many clients at once ----------------------------------------------------------------

    @Test
    @Requirement({"R17"})
    void sixteenClientsDownloadDifferentFilesAtOnce() throws Exception {
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < CLIENTS_AT_ONCE; i++) {
            contents.add(TestFiles.randomBytes((1 << 20) + i * 1001, 100 + i));
            Files.write(root.resolve("f" + i + ".bin"), contents.get(i));
        }
        runAtOnce(CLIENTS_AT_ONCE, i -> client.download(server.address(), "f" + i + ".bin", 7,
                downloads.resolve("c" + i + ".bin")));
        for (int i = 0; i < CLIENTS_AT_ONCE; i++) {
            assertThat(Files.mismatch(root.resolve("f" + i + ".bin"), downloads.resolve("c" + i + ".bin")))
                    .as("file %d", i).isEqualTo(-1L);
        }
        assertListenersClose();
    }

    @Test
    @Requirement({"R17"})
    void sixteenClientsDownloadTheSameFileAtOnce() throws Exception {
        Files.write(root.resolve("same.bin"), TestFiles.randomBytes((2 << 20) + 17, 5));
        runAtOnce(CLIENTS_AT_ONCE, i -> client.download(server.address(), "same.bin", 1 + i * 3,
                downloads.resolve("c" + i + ".bin")));
        for (int i = 0; i < CLIENTS_AT_ONCE; i++) {
            assertThat(Files.mismatch(root.resolve("same.bin"), downloads.resolve("c" + i + ".bin")))
                    .as("client %d", i).isEqualTo(-1L);
        }
        assertListenersClose();
    }

    // ---- helpers -----------------------------------------------------------------------------

    @FunctionalInterface
    protected interface Client {
        Download run(int index) throws Exception;
    }

    protected static void runAtOnce(int clients, Client client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients, runnable -> new Thread(runnable,
                "contract-client"));
        try {
            List<Future<Download>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int index = i;
                results.add(pool.submit((Callable<Download>) () -> client.run(index)));
            }
            for (Future<Download> result : results) {
                assertThat(result.get().md5()).hasSize(32);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    protected void assertRefused(Reply reply, int status) throws IOException {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        if (reply.body().length > 0) {
            String text = new String(reply.body(), StandardCharsets.UTF_8);
            assertThat(text).as("an error answer names no data port").doesNotContain("\"port\"");
        }
        OptionalInt open = openDataListeners(server);
        if (open.isPresent()) {
            assertThat(open.getAsInt()).as("data listeners open after a %d answer", status).isZero();
        }
    }

    protected void assertListenersClose() {
        if (openDataListeners(server).isPresent()) {
            await().atMost(scaled(PATIENCE)).until(() -> openDataListeners(server).getAsInt() == 0);
        }
    }

    /** POST with the path sent as given: {@code name}, {@code /name} or an absolute path. */
    protected Reply post(String path, String body) throws IOException {
        return rawRequest("POST", path, body);
    }

    protected JsonNode offer(String path, int threads) throws Exception {
        Reply reply = post(path, "{\"threads\": " + threads + "}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        JsonNode offer = JSON.readTree(reply.body());
        Offer.parse(reply.body(), threads); // fields present and consistent
        return offer;
    }

    protected Reply rawPost(String rawPath, String body) throws IOException {
        return rawRequest("POST", rawPath, body);
    }

    /** A request written byte by byte, read to the server's close ({@link RawRangedClient#request}). */
    protected Reply rawRequest(String method, String rawPath, String body) throws IOException {
        return client.request(server.address(), method, rawPath, body);
    }

    /** Connects to the data port, sends the one byte {@code block}, and reads until the server closes. */
    protected byte[] fetchBlockRaw(int port, int block) throws IOException {
        return client.fetchBlock(new InetSocketAddress(server.address().getAddress(), port), block);
    }

    /** Fetches every block of an offer for {@code threads} and checks it against the file's bytes. */
    protected void fetchEveryBlockRaw(JsonNode offer, int threads, byte[] content) throws IOException {
        long blockSize = content.length / threads + 1;
        for (int block = 0; block < threads; block++) {
            int from = (int) Math.min(content.length, block * blockSize);
            int to = (int) Math.min(content.length, (block + 1) * blockSize);
            assertThat(fetchBlockRaw(offer.get("port").asInt(), block))
                    .isEqualTo(Arrays.copyOfRange(content, from, to));
        }
    }
}
