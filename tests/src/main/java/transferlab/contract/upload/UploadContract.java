package transferlab.contract.upload;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static transferlab.testkit.SuiteTimeouts.scaled;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import transferlab.testkit.Requirement;
import transferlab.testkit.ServerUnderTest;
import transferlab.contract.SuiteScope;
import transferlab.contract.Timeline;
import transferlab.testkit.SuiteTimeouts;
import transferlab.testkit.TcpProxy;
import transferlab.storage.Hashes;
import transferlab.storage.PlainFileName;
import transferlab.upload.UploadLimits;
import transferlab.testkit.TestFiles;
import transferlab.testkit.RawUploadClient;

/**
 * The contract of protocol U (resources/protocols/upload.md): every upload server, ours or a
 * student's, must pass these tests. Each test starts a fresh server with limits of its own in an
 * empty directory, talks to it over loopback at the byte level with a {@link RawUploadClient},
 * and checks both the bytes on the wire and the files on disk. Each cites the requirements it checks.
 *
 * <p>A concrete subclass names the servers, one {@link UploadServerFactory} each, e.g.
 * {@code ReferenceUploadServersTest} in this module's tests; {@code ./transfer check upload} runs
 * the same tests against a student's server. To be fair to a seed 004 server there:
 * <ul>
 *   <li>the core requirements (U1, U2, U3, U5) each have tests that cite only core requirements and
 *       judge them as the seed defines them (the bytes on the wire and the stored file, no "ok" line);
 *       a test that also checks an extension cites it, so a core-only grading skips it;</li>
 *   <li>a test whose verdict depends on a limit it sets is N/A for a server that could not be given
 *       that limit ({@link SuiteScope#assumeLimitsApplied}), and a test that looks at stored files is
 *       N/A where the suite cannot see the server's directory ({@link SuiteScope#assumeDirectoryVisible});</li>
 *   <li>every wait is scaled by {@link SuiteTimeouts} when it is used, so {@code --timeout-factor}
 *       reaches all of them (the constants below are the waits at factor 1).</li>
 * </ul>
 */
public abstract class UploadContract {
    /** Small, so that "too large" is cheap to provoke. */
    protected static final long MAX_SIZE = 1 << 20;
    /** For most tests: longer than any pause a busy machine inflicts on a client thread (scaled at use). */
    protected static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
    /** For the tests of silent clients, so that they finish quickly (scaled at use). */
    protected static final Duration SHORT_IDLE_TIMEOUT = Duration.ofMillis(400);
    /** Longest wait for anything a working server does promptly (scaled at use). */
    protected static final Duration PROMPTLY = Duration.ofSeconds(5);

    private static final AtomicInteger CLIENT_THREADS = new AtomicInteger();
    /** The whole "ok" line (U6) and the whole refusal line (U7), as regular expressions. */
    protected static final String OK_LINE = "ok [0-9a-f]{64}\n";
    protected static final String ERROR_LINE = "error [a-z-]+: [^\n]+\n";

    private final UploadServerFactory factory;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService clients = Executors.newCachedThreadPool(
            task -> new Thread(task, "upload-client-" + CLIENT_THREADS.incrementAndGet()));

    /** The test's own directory: the server stores into {@link #directory}, a subdirectory. */
    @TempDir
    protected Path parent;
    protected Path directory;
    protected ServerUnderTest server;
    /** What the test did, for the grader's report of a failure (the raw clients of connect() write to it). */
    protected Timeline timeline;

    protected UploadContract(UploadServerFactory factory) {
        this.factory = factory;
    }

    /** The limits most tests use (the default settle window); a test that needs others changes one. */
    protected static UploadLimits limits() {
        return UploadLimits.defaults().withMaxContentBytes(MAX_SIZE).withIdleTimeout(scaled(IDLE_TIMEOUT));
    }

    /** The limits of the tests that wait for the idle timeout. */
    protected static UploadLimits limitsWithShortIdleTimeout() {
        return limits().withIdleTimeout(scaled(SHORT_IDLE_TIMEOUT));
    }

    @BeforeEach
    void openTimeline(TestReporter reporter) {
        timeline = new Timeline(reporter);
    }

    protected void start(UploadLimits limits) throws IOException {
        directory = parent.resolve("received");
        Files.createDirectories(directory);
        server = factory.starter().start(directory, limits);
        toClose.add(server);
    }

    @AfterEach
    void stopEverything() throws Exception {
        clients.shutdownNow();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    // ---------------------------------------------------------------- the core, as seed 004 defines it

    // These tests cite core requirements only, so a core-only grading runs them: they judge the
    // bytes on the wire and the stored file, and never wait for our "ok" line (a seed server sends
    // none). The client behaves as seed 004's does: one write of the header, exactly "go ahead"
    // back, the content, then close without reading more.

    /** U1, U2 on the wire alone: a header in one write gets exactly the 8 bytes "go ahead". */
    @Test
    @Requirement({"U1", "U2"})
    void seedHeaderInOneWriteGetsExactlyGoAhead() throws Exception {
        start(limits());
        uploadAsTheSeedClientDoes("seed-header.bin", TestFiles.randomBytes(5_000, 22));
    }

    /** U3: the content a seed client sends is stored whole. */
    @Test
    @Requirement("U3")
    void seedUploadIsStoredWhole() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] content = TestFiles.randomBytes(50_000, 23);
        uploadAsTheSeedClientDoes("seed-upload.bin", content);
        awaitStored("seed-upload.bin", content);
    }

    /**
     * U3: content that arrives in many small pieces, as over a slow network, is stored whole: a
     * server must loop until it has {@code size} bytes, not trust one read. The client ends its
     * stream after the content (a half-close), so a server that reads until the end also stores it.
     */
    @Test
    @Requirement("U3")
    void contentSplitIntoSmallPiecesByTheNetworkIsStoredWhole() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] content = TestFiles.randomBytes(32 * 1024, 21);
        TcpProxy proxy = TcpProxy.start(server.address(), TcpProxy.Faults.none().splitInto(2048, Duration.ofMillis(1)));
        toClose.add(proxy);
        try (RawUploadClient client = RawUploadClient.connect(proxy.address(), timeline::note)) {
            client.send(RawUploadClient.header(content.length, "pieces.bin"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(content);
            client.finishSending();
            promptly().untilAsserted(() ->
                    assertThat(directory.resolve("pieces.bin")).as("the stored file").exists());
            promptly().untilAsserted(() ->
                    assertThat(Files.size(directory.resolve("pieces.bin")))
                            .as("bytes stored of %d sent in pieces of 2048", content.length).isEqualTo(content.length));
        }
        assertThat(directory.resolve("pieces.bin")).hasBinaryContent(content);
    }

    /**
     * U3: the server stops reading at {@code size} bytes: the file is stored while the client still
     * holds the connection open (a server that reads until the client closes never stores it).
     */
    @Test
    @Requirement("U3")
    void contentIsStoredOnceSizeBytesArrivedWhileTheClientStaysConnected() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] content = TestFiles.randomBytes(30_000, 24);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, "kept-open.bin"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(content);
            awaitStored("kept-open.bin", content); // the connection is still open here
        }
    }

    /**
     * U5: clients that close right after their content, one after another, are all served (each
     * gets "go ahead"), and, where the suite can see the directory, all have their files.
     */
    @Test
    @Requirement("U5")
    void seedClientsThatCloseAfterTheContentAreServedOneAfterAnother() throws Exception {
        start(limits());
        for (int i = 0; i < 3; i++) {
            byte[] content = TestFiles.randomBytes(20_000 + i, 30 + i);
            uploadAsTheSeedClientDoes("seed-" + i + ".bin", content);
            if (server.directory().isPresent()) {
                awaitStored("seed-" + i + ".bin", content);
            }
        }
    }

    // ---------------------------------------------------------------- the upload itself

    @Test
    @Requirement({"U1", "U2", "U3", "U6"})
    void headerInOneWriteGetsGoAheadThenContentGetsOkWithItsSha256() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] content = TestFiles.randomBytes(100_000, 1);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, "notes.txt"));
            assertThat(client.readBytes(8)).asString(US_ASCII).isEqualTo("go ahead");
            client.send(content);
            String reply = client.readLine();
            // Exactly 8 bytes of "go ahead": a newline after it would show up at the start of this line.
            assertThat(reply).matches(OK_LINE).isEqualTo("ok " + TestFiles.sha256(content) + "\n");
            assertThat(client.serverClosed()).as("server closes after the ok line").isTrue();
        }
        assertThat(directory.resolve("notes.txt")).hasBinaryContent(content);
        assertThat(listing(directory)).containsExactly("notes.txt");
    }

    @Test
    @Requirement({"U3", "U6"})
    void emptyFileIsStored() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(0, "empty.txt"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            assertThat(client.readLine()).isEqualTo("ok " + TestFiles.sha256(new byte[0]) + "\n");
        }
        assertThat(directory.resolve("empty.txt")).exists().isEmptyFile();
    }

    @Test
    @Requirement({"U3", "U8"})
    void nameOf255Utf8BytesWithMultiByteCharactersIsStored() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        String name = "é".repeat(100) + "€".repeat(18) + "a"; // 200 + 54 + 1 = 255 bytes
        assertThat(name.getBytes(UTF_8)).hasSize(255);
        byte[] content = TestFiles.randomBytes(1000, 2);
        assertThat(upload(name, content)).isEqualTo("ok " + TestFiles.sha256(content) + "\n");
        assertThat(directory.resolve(name)).hasBinaryContent(content);
    }

    @Test
    @Requirement({"U5", "U14"})
    void seedClientThatClosesWithoutReadingOkHasItsFileStoredAndTheNextClientIsServed() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] content = TestFiles.randomBytes(200_000, 3);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, "seed.bin"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(content);
        } // closed at once, as seed 004's client does: it never reads "ok"
        await().atMost(scaled(PROMPTLY)).untilAsserted(() ->
                assertThat(directory.resolve("seed.bin")).exists().hasBinaryContent(content));
        assertServesTheNextClient();
    }

    @Test
    @Requirement({"U11", "U10"})
    void uploadingAnExistingNameReplacesTheFile() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] first = TestFiles.randomBytes(5000, 4);
        byte[] second = TestFiles.randomBytes(3000, 5);
        assertThat(upload("same.txt", first)).isEqualTo("ok " + TestFiles.sha256(first) + "\n");
        assertThat(upload("same.txt", second)).isEqualTo("ok " + TestFiles.sha256(second) + "\n");
        assertThat(directory.resolve("same.txt")).hasBinaryContent(second);
        assertThat(listing(directory)).containsExactly("same.txt");
    }

    // ---------------------------------------------------------------- the header arriving in pieces

    @Test
    @Requirement("U4")
    void headerSplitIntoOneBytePiecesByAProxyIsReadWhole() throws Exception {
        // Pieces 1 ms apart, a window 500 times wider: with the 50 ms default, a busy machine that
        // delays the proxy's thread for 50 ms cuts the name (the cost the spec documents).
        start(limits().withHeaderSettle(Duration.ofMillis(500)));
        SuiteScope.assumeDirectoryVisible(server);
        TcpProxy proxy = TcpProxy.start(server.address(), TcpProxy.Faults.none().splitInto(1, Duration.ofMillis(1)));
        toClose.add(proxy);
        String name = "split-into-pieces-ü.txt";
        byte[] content = TestFiles.randomBytes(100, 6);
        try (RawUploadClient client = RawUploadClient.connect(proxy.address(), timeline::note)) {
            client.send(RawUploadClient.header(content.length, name));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(content);
            assertThat(client.readLine()).isEqualTo("ok " + TestFiles.sha256(content) + "\n");
        }
        assertThat(listing(directory)).containsExactly(name);
        assertThat(directory.resolve(name)).hasBinaryContent(content);
    }

    @Test
    @Requirement("U4")
    void theNameEndsWhereTheClientStopsSendingAndWaitsForGoAhead() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(3, "a"));
            // The server cannot know more name bytes will come; it answers the header it has.
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send("bcd".getBytes(US_ASCII));
            assertThat(client.readLine()).isEqualTo("ok " + TestFiles.sha256("bcd".getBytes(US_ASCII)) + "\n");
        }
        assertThat(directory.resolve("a")).hasContent("bcd");
    }

    // ---------------------------------------------------------------- bad input

    /** A name a server must refuse with {@code bad-name} (U8): a label for reports and the raw bytes sent. */
    protected record BadName(String label, byte[] nameBytes) {
        static BadName of(String name) {
            return new BadName(name, name.getBytes(UTF_8));
        }

        @Override
        public String toString() {
            return PlainFileName.printable(label); // control characters as \\uXXXX in reports
        }
    }

    static Stream<BadName> badNames() {
        return Stream.of(
                BadName.of("../x"),
                BadName.of("/etc/passwd"),
                BadName.of("a/b"),
                BadName.of("..\\x"),
                BadName.of("a\\b"),
                BadName.of(".hidden"),
                BadName.of("."),
                BadName.of(".."),
                new BadName("300 bytes", "n".repeat(300).getBytes(US_ASCII)),
                new BadName("256 bytes", "n".repeat(256).getBytes(US_ASCII)),
                new BadName("invalid UTF-8", new byte[] {'a', (byte) 0xff, 'b'}),
                new BadName("overlong UTF-8 slash", new byte[] {'a', (byte) 0xc0, (byte) 0xaf, 'b'}),
                BadName.of("a\0b"),
                BadName.of("a\nb"),
                BadName.of("tab\there"),
                BadName.of("bell\u0007"),
                BadName.of("del\u007f"),
                BadName.of("c1-control\u0085"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNames")
    @Requirement({"U8", "U7", "U10", "U14"})
    void badNameIsRefusedNothingIsWrittenAndTheNextClientIsServed(BadName bad) throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        Files.writeString(parent.resolve("x"), "a file beside the served directory");
        Map<String, String> before = snapshot(parent);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(5, bad.nameBytes()));
            assertRefused(client, "bad-name");
        }
        assertThat(snapshot(parent)).isEqualTo(before);
        assertServesTheNextClient();
    }

    @Test
    @Requirement({"U9", "U7", "U14"})
    void sizeAboveTheLimitIsRefusedBeforeAnyContent() throws Exception {
        start(limits());
        SuiteScope.assumeLimitsApplied(server);
        SuiteScope.assumeDirectoryVisible(server);
        Map<String, String> before = snapshot(parent);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(MAX_SIZE + 1, "big.bin"));
            assertRefused(client, "too-large"); // answered without a byte of content sent
        }
        assertThat(snapshot(parent)).isEqualTo(before);
        assertServesTheNextClient();
    }

    @Test
    @Requirement("U9")
    void sizeExactlyAtTheLimitIsAccepted() throws Exception {
        start(limits());
        SuiteScope.assumeLimitsApplied(server);
        SuiteScope.assumeDirectoryVisible(server);
        byte[] content = TestFiles.randomBytes((int) MAX_SIZE, 7);
        assertThat(upload("limit.bin", content)).isEqualTo("ok " + TestFiles.sha256(content) + "\n");
        assertThat(directory.resolve("limit.bin")).hasBinaryContent(content);
    }

    @Test
    @Requirement({"U9", "U7", "U14"})
    void sizeWithTheTopBitSetIsRefused() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        Map<String, String> before = snapshot(parent);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(Long.MIN_VALUE | 5, "negative.bin"));
            assertRefused(client, "bad-size");
        }
        assertThat(snapshot(parent)).isEqualTo(before);
        assertServesTheNextClient();
    }

    @Test
    @Requirement({"U4", "U12", "U7", "U14"})
    void emptyNameThatIsEightBytesThenSilenceTimesOut() throws Exception {
        start(limitsWithShortIdleTimeout());
        SuiteScope.assumeLimitsApplied(server);
        SuiteScope.assumeDirectoryVisible(server);
        Map<String, String> before = snapshot(parent);
        long beforeConnect = System.nanoTime(); // the server's idle timer cannot start earlier
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(5, new byte[0]));
            // An empty name cannot be told from a name still on its way: the server waits for it.
            CompletableFuture<String> answer = readAsync(client::readAnswer);
            await().atMost(scaled(PROMPTLY)).until(answer::isDone);
            assertThat(Duration.ofNanos(System.nanoTime() - beforeConnect))
                    .isGreaterThanOrEqualTo(scaled(SHORT_IDLE_TIMEOUT));
            assertThat(answer.get()).matches(ERROR_LINE).startsWith("error timeout:");
            assertThat(client.serverClosed()).isTrue();
        }
        assertThat(snapshot(parent)).isEqualTo(before);
        assertServesTheNextClient();
    }

    @Test
    @Requirement({"U4", "U7", "U14"})
    void emptyNameThatIsEightBytesThenEndOfStreamIsABadHeader() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        Map<String, String> before = snapshot(parent);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(5, new byte[0]));
            client.finishSending();
            assertRefused(client, "bad-header");
        }
        assertThat(snapshot(parent)).isEqualTo(before);
        assertServesTheNextClient();
    }

    // ---------------------------------------------------------------- silent, slow and broken clients

    @Test
    @Requirement({"U12", "U7", "U14"})
    void clientThatConnectsAndSaysNothingIsClosedAfterTheIdleTimeout() throws Exception {
        start(limitsWithShortIdleTimeout());
        SuiteScope.assumeLimitsApplied(server);
        SuiteScope.assumeDirectoryVisible(server);
        long beforeConnect = System.nanoTime(); // the server's idle timer cannot start earlier
        try (RawUploadClient silent = connect()) {
            CompletableFuture<String> answer = readAsync(silent::readAnswer);
            await().atMost(scaled(PROMPTLY)).until(answer::isDone);
            // Not before the idle timeout: a server that closes at once is not timing anybody out.
            assertThat(Duration.ofNanos(System.nanoTime() - beforeConnect))
                    .isGreaterThanOrEqualTo(scaled(SHORT_IDLE_TIMEOUT));
            assertThat(answer.get()).matches(ERROR_LINE).startsWith("error timeout:");
            assertThat(silent.serverClosed()).isTrue();
        }
        assertThat(listing(directory)).isEmpty();
        assertServesTheNextClient();
    }

    @Test
    @Requirement({"U10", "U14"})
    void clientThatSendsHalfTheContentAndClosesLeavesNoFileAndNoTemporaryFile() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        Map<String, String> before = snapshot(parent);
        byte[] content = TestFiles.randomBytes(100_000, 8);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, "half.bin"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(Arrays.copyOf(content, content.length / 2));
        }
        await().atMost(scaled(PROMPTLY)).untilAsserted(() -> assertThat(snapshot(parent)).isEqualTo(before));
        assertServesTheNextClient();
        assertThat(listing(directory)).containsExactly("next.txt");
    }

    @Test
    @Requirement({"U12", "U10", "U7", "U14"})
    void clientThatStopsSendingContentIsRefusedAfterTheIdleTimeoutAndLeavesNothing() throws Exception {
        start(limitsWithShortIdleTimeout());
        SuiteScope.assumeLimitsApplied(server);
        SuiteScope.assumeDirectoryVisible(server);
        Map<String, String> before = snapshot(parent);
        byte[] content = TestFiles.randomBytes(10_000, 9);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, "stalled.bin"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(Arrays.copyOf(content, 5000));
            CompletableFuture<String> reply = readAsync(client::readLine);
            await().atMost(scaled(PROMPTLY)).until(reply::isDone);
            assertThat(reply.get()).matches(ERROR_LINE).startsWith("error timeout:");
            assertThat(client.serverClosed()).isTrue();
        }
        await().atMost(scaled(PROMPTLY)).untilAsserted(() -> assertThat(snapshot(parent)).isEqualTo(before));
        assertServesTheNextClient();
    }

    @Test
    @Requirement({"U13", "U10", "U7"})
    void uploadThatTakesLongerThanTheDeadlineIsRefusedEvenIfBytesKeepComing() throws Exception {
        // The deadline is shorter than the idle timeout, so only the deadline can end this upload early.
        Duration deadline = scaled(Duration.ofMillis(500));
        Duration idleTimeout = scaled(Duration.ofSeconds(4));
        start(limits().withIdleTimeout(idleTimeout).withTransferDeadline(deadline));
        SuiteScope.assumeLimitsApplied(server);
        SuiteScope.assumeDirectoryVisible(server);
        Map<String, String> before = snapshot(parent);
        long started = System.nanoTime(); // the server's deadline clock cannot start earlier
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(10_000, "slow.bin"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(new byte[100]);
            CompletableFuture<String> reply = readAsync(client::readLine);
            // Well before the idle timeout (4 s at factor 1) could end it.
            await().atMost(scaled(Duration.ofSeconds(3))).until(reply::isDone);
            assertThat(reply.get()).matches(ERROR_LINE).startsWith("error timeout:");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(deadline);
        }
        await().atMost(scaled(PROMPTLY)).untilAsserted(() -> assertThat(snapshot(parent)).isEqualTo(before));
    }

    @Test
    @Requirement({"U10", "U14"})
    void uploadCutByTheNetworkMidContentLeavesNoFileAndNoTemporaryFile() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        Map<String, String> before = snapshot(parent);
        byte[] content = TestFiles.randomBytes(200_000, 10);
        byte[] header = RawUploadClient.header(content.length, "cut.bin");
        TcpProxy proxy = TcpProxy.start(server.address(),
                TcpProxy.Faults.none().cutUpstreamAfter(header.length + content.length / 2));
        toClose.add(proxy);
        try (RawUploadClient client = RawUploadClient.connect(proxy.address(), timeline::note)) {
            client.send(header);
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            try {
                client.send(content);
            } catch (IOException cut) {
                // The proxy may cut while we are still writing: that is the point.
            }
            assertThat(client.serverClosed()).isTrue();
        }
        assertThat(proxy.cuts()).isEqualTo(1);
        await().atMost(scaled(PROMPTLY)).untilAsserted(() -> assertThat(snapshot(parent)).isEqualTo(before));
        assertServesTheNextClient();
    }

    @Test
    @Requirement({"U17", "U10", "U7"})
    void fileThatCannotBeStoredIsRefusedAndLeavesNothing() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        Files.createDirectories(directory.resolve("taken"));
        Files.writeString(directory.resolve("taken").resolve("inside.txt"), "not to be replaced");
        Map<String, String> before = snapshot(parent);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(10, "taken"));
            String answer = client.readAnswer();
            if ("go ahead".equals(answer)) { // a server may find out only when it moves the file into place
                client.send(new byte[10]);
                answer = client.readLine();
            }
            assertThat(answer).matches(ERROR_LINE).startsWith("error storage:");
        }
        await().atMost(scaled(PROMPTLY)).untilAsserted(() -> assertThat(snapshot(parent)).isEqualTo(before));
        assertServesTheNextClient();
    }

    // ---------------------------------------------------------------- many clients

    @Test
    @Requirement({"U15", "U3", "U6"})
    void sixteenClientsAtOnceEachHaveTheirFileStoredIntact() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        int clientCount = 16;
        Map<String, byte[]> files = new HashMap<>();
        List<CompletableFuture<String>> replies = new ArrayList<>();
        for (int i = 0; i < clientCount; i++) {
            String name = "file-" + i + ".bin";
            byte[] content = TestFiles.randomBytes(256 * 1024 + i, 100 + i);
            files.put(name, content);
            replies.add(CompletableFuture.supplyAsync(() -> uploadUnchecked(name, content), clients));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
                .get(scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS);
        for (int i = 0; i < clientCount; i++) {
            byte[] content = files.get("file-" + i + ".bin");
            assertThat(replies.get(i).get()).isEqualTo("ok " + TestFiles.sha256(content) + "\n");
        }
        assertThat(listing(directory)).containsExactlyInAnyOrderElementsOf(files.keySet());
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            assertThat(Hashes.sha256Hex(directory.resolve(file.getKey())))
                    .as(file.getKey()).isEqualTo(TestFiles.sha256(file.getValue()));
        }
    }

    /**
     * The lesson of seed 004: an iterative server serves one client at a time, so a client paused
     * after "go ahead" keeps the next one waiting; a concurrent server serves the next one meanwhile.
     */
    @Test
    @Requirement("U16")
    void clientPausedAfterGoAheadHoldsUpTheNextOneOnlyOnAnIterativeServer() throws Exception {
        // The idle timeout (5 s at factor 1) is far longer than the hold: the paused client is not timed out meanwhile.
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] firstContent = TestFiles.randomBytes(1000, 11);
        byte[] secondContent = TestFiles.randomBytes(1000, 12);
        try (RawUploadClient first = connect(); RawUploadClient second = connect()) {
            first.send(RawUploadClient.header(firstContent.length, "first.bin"));
            assertThat(first.readAnswer()).isEqualTo("go ahead");
            // first is now paused: header sent, "go ahead" received, no content yet.

            second.send(RawUploadClient.header(secondContent.length, "second.bin"));
            CompletableFuture<String> secondAnswer = readAsync(second::readAnswer);
            if (factory.concurrent()) {
                await().atMost(scaled(Duration.ofSeconds(3))).until(secondAnswer::isDone);
                assertThat(secondAnswer.get()).isEqualTo("go ahead");
                second.send(secondContent);
                assertThat(second.readLine()).isEqualTo("ok " + TestFiles.sha256(secondContent) + "\n");
                assertThat(visibleNames(directory)).as("only the second, the first is still paused")
                        .containsExactly("second.bin");
            } else {
                // Its header is in; a server free to answer would do so within its settle window (50 ms).
                await().during(scaled(Duration.ofMillis(300))).atMost(scaled(Duration.ofSeconds(2)))
                        .until(() -> !secondAnswer.isDone());
                assertThat(visibleNames(directory)).isEmpty(); // the first's temporary file is hidden
            }

            first.send(firstContent);
            assertThat(first.readLine()).isEqualTo("ok " + TestFiles.sha256(firstContent) + "\n");
            if (!factory.concurrent()) {
                await().atMost(scaled(PROMPTLY)).until(secondAnswer::isDone);
                assertThat(secondAnswer.get()).isEqualTo("go ahead");
                second.send(secondContent);
                assertThat(second.readLine()).isEqualTo("ok " + TestFiles.sha256(secondContent) + "\n");
            }
        }
        assertThat(directory.resolve("first.bin")).hasBinaryContent(firstContent);
        assertThat(directory.resolve("second.bin")).hasBinaryContent(secondContent);
    }

    // ---------------------------------------------------------------- helpers

    protected RawUploadClient connect() throws IOException {
        return RawUploadClient.connect(server.address(), timeline::note);
    }

    /** One write of the header, exactly "go ahead" back, the content, close without reading more. */
    protected void uploadAsTheSeedClientDoes(String name, byte[] content) throws IOException {
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, name));
            assertThat(client.readBytes(8)).as("the server's answer to the header of %s", name)
                    .asString(US_ASCII).isEqualTo("go ahead");
            client.send(content);
        }
    }

    /** Waits until {@code name} is stored with exactly {@code content}. */
    protected void awaitStored(String name, byte[] content) {
        promptly().untilAsserted(() ->
                assertThat(directory.resolve(name)).as("%s as stored (%d bytes sent)", name, content.length)
                        .exists().hasBinaryContent(content));
    }

    /** A whole, well-behaved upload; returns the server's last line (the "ok" line, or a refusal). */
    protected String upload(String name, byte[] content) throws IOException {
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, name));
            String answer = client.readAnswer();
            if (!"go ahead".equals(answer)) {
                return answer;
            }
            client.send(content);
            return client.readLine();
        }
    }

    private String uploadUnchecked(String name, byte[] content) {
        try {
            return upload(name, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server refused with {@code code}, in the documented format, and closed the connection. */
    protected static void assertRefused(RawUploadClient client, String code) throws IOException {
        String answer = client.readAnswer();
        assertThat(answer).as("the server's answer").matches(ERROR_LINE).startsWith("error " + code + ":");
        assertThat(client.serverClosed()).as("the server closes after a refusal").isTrue();
    }

    /** One ordinary upload succeeds: whatever happened before did not stop the server. */
    protected void assertServesTheNextClient() throws IOException {
        byte[] content = "the next client\n".getBytes(US_ASCII);
        assertThat(upload("next.txt", content)).as("the server serves the next client")
                .isEqualTo("ok " + TestFiles.sha256(content) + "\n");
        assertThat(directory.resolve("next.txt")).hasBinaryContent(content);
    }

    /** Awaitility for what a working server does promptly: checks at once, then often. */
    protected static ConditionFactory promptly() {
        return await().atMost(scaled(PROMPTLY)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
    }

    /** A blocking read on a client thread, so a test can watch it with Awaitility. */
    protected <T> CompletableFuture<T> readAsync(BlockingRead<T> read) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return read.call();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, clients);
    }

    @FunctionalInterface
    protected interface BlockingRead<T> {
        T call() throws IOException;
    }

    /** The names in a directory, hidden ones (temporary files) included. */
    protected static List<String> listing(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    /** The names in a directory that do not start with a dot: what other clients may see. */
    protected static List<String> visibleNames(Path directory) throws IOException {
        return listing(directory).stream().filter(name -> !name.startsWith(".")).toList();
    }

    /** Every file and directory under {@code root}, with each file's SHA-256: what "nothing written" compares. */
    protected static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                entries.put(root.relativize(path).toString(),
                        Files.isRegularFile(path) ? Hashes.sha256Hex(path) : "directory");
            }
        }
        return entries;
    }
}
