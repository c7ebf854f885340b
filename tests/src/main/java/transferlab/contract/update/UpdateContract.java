package transferlab.contract.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import transferlab.contract.Timeline;
import transferlab.testkit.LeftFiles;
import transferlab.testkit.Requirement;
import transferlab.testkit.ServerUnderTest;
import transferlab.testkit.SuiteTimeouts;
import transferlab.testkit.TcpProxy;
import transferlab.testkit.TestFiles;
import transferlab.testkit.RawUpdateConnection;

/**
 * The contract of protocol D, the polling update service (resources/protocols/update.md), checked
 * byte by byte over real sockets against any server. A subclass says how to start a server over an
 * outbox directory; the tests put files into {@code <outbox>/<client-id>/} and poll for them.
 *
 * <p>Our own server runs it in {@code ReferenceUpdateServerTest}; {@code ./transfer check} runs the
 * same class against a student's server. The core requirements (D1-D3, D5) have tests that cite only
 * core requirements, so a core-only grading judges them as seed 002 has them, without our ack and
 * hash rules. Every wait is scaled by {@link SuiteTimeouts} when it is used ({@code --timeout-factor}).
 */
public abstract class UpdateContract {
    /** Starts a server whose outbox is {@code outbox} (it exists and is empty). */
    protected abstract ServerUnderTest startServer(Path outbox) throws Exception;

    /**
     * The idle timeout the server was started with. The idle test waits about this long; a bad frame
     * must close its connection within half of it.
     */
    protected abstract Duration idleTimeout();

    /** The longest JSON header the server accepts from a client (D11); the suite sends one byte more. */
    protected int maxRequestBytes() {
        return 16 * 1024;
    }

    /** How long any test waits for the server to answer something it should answer at once (10 s at factor 1). */
    protected Duration answerTimeout() {
        return SuiteTimeouts.scaled(Duration.ofSeconds(10));
    }

    @TempDir
    Path temp;
    protected Path outbox;
    protected ServerUnderTest server;

    /** The test's own notes, for the grader's timeline of a failure ({@link Timeline}). */
    protected Timeline timeline;

    @BeforeEach
    void openTimeline(TestReporter reporter) {
        timeline = new Timeline(reporter);
    }

    @BeforeEach
    void startTheServer() throws Exception {
        outbox = Files.createDirectories(temp.resolve("outbox"));
        server = startServer(outbox);
    }

    @AfterEach
    void stopTheServer() {
        if (server != null) {
            server.close();
        }
    }

    /** D1, D2, D3 as seed 002 has them: a framed poll gets a framed offer and exactly file-size bytes. */
    @Test
    @Requirement({"D1", "D2", "D3"})
    void aPollGetsAFramedOfferAndExactlyTheFileBytes() throws Exception {
        byte[] content = TestFiles.randomBytes(70_000, 41);
        queue("erin", "seed.bin", content);
        try (RawUpdateConnection connection = connect()) {
            connection.sendPoll("erin");
            JsonNode offer = connection.readHeader();
            assertThat(offer).as("the server's answer to a poll for a queued file").isNotNull();
            assertThat(offer.path("file-name").asText()).as("the offer %s", offer).isEqualTo("seed.bin");
            assertThat(offer.path("file-size").asLong()).as("the offer %s", offer).isEqualTo(content.length);
            assertThat(connection.readPayload(content.length)).as("the %d bytes after the offer", content.length)
                    .isEqualTo(content);
        }
    }

    @Test
    @Requirement({"D1", "D2", "D3", "D7", "D8", "D9"})
    void pollGetsTheOfferAndTheBytesAndTheFileLeavesTheQueueOnlyOnAck() throws Exception {
        byte[] content = TestFiles.randomBytes(100_000, 1);
        Path queued = queue("alice", "update.bin", content);

        try (RawUpdateConnection connection = connect()) {
            connection.sendPoll("alice");
            JsonNode offer = connection.readHeader();
            assertThat(offer).as("the server's answer to a poll for a queued file").isNotNull();
            assertThat(offer.path("file-name").asText()).isEqualTo("update.bin");
            assertThat(offer.path("file-size").isIntegralNumber()).as("file-size is a number: " + offer).isTrue();
            assertThat(offer.path("file-size").asLong()).isEqualTo(content.length);
            assertThat(offer.path("file-hash").asText()).isEqualTo(fileHash(content));
            assertThat(connection.readPayload(content.length)).isEqualTo(content);

            assertThat(queued).as("a file sent but not yet acknowledged stays queued").exists();
            connection.sendAck("alice", fileHash(content));
            assertThat(connection.readHeader()).as("after the last ack the queue is empty: the server closes").isNull();
        }
        eventually().untilAsserted(() -> assertThat(queued).doesNotExist());
    }

    @Test
    @Requirement({"D1", "D8"})
    void framesThatArriveOneByteAtATimeAreReadWhole() throws Exception {
        byte[] content = "a small patch, sent through a proxy that splits every stream into single bytes"
                .getBytes(StandardCharsets.UTF_8);
        Path queued = queue("frank", "small.patch", content);
        try (TcpProxy proxy = TcpProxy.start(server.address(), TcpProxy.Faults.none().splitInto(1,
                Duration.ofMillis(1)));
             RawUpdateConnection connection = RawUpdateConnection.open(proxy.address(), answerTimeout(),
                     timeline::note)) {
            connection.sendPoll("frank");
            JsonNode offer = connection.readHeader();
            assertThat(offer).as("the offer through the splitting proxy").isNotNull();
            assertThat(offer.path("file-hash").asText()).isEqualTo(fileHash(content));
            assertThat(connection.readPayload(content.length)).isEqualTo(content);
            connection.sendAck("frank", fileHash(content));
            assertThat(connection.readHeader()).isNull();
        }
        eventually().untilAsserted(() -> assertThat(queued).doesNotExist());
    }

    @Test
    @Requirement({"D5"})
    void nothingQueuedClosesTheConnection() throws Exception {
        Files.createDirectories(outbox.resolve("bob")); // an empty queue
        for (String clientId : List.of("bob", "nobody-ever-queued-for")) {
            try (RawUpdateConnection connection = connect()) {
                connection.sendPoll(clientId);
                assertThat(connection.closedWithoutAByte()).as("poll of " + clientId + " with nothing queued").isTrue();
            }
        }
    }

    @Test
    @Requirement({"D9", "D10"})
    void afterAnAckTheNextQueuedFileIsOfferedInNameOrder() throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("1-first.txt", "first".getBytes(StandardCharsets.UTF_8));
        files.put("2-second.bin", TestFiles.randomBytes(30_000, 2));
        files.put("3-empty", new byte[0]);
        for (var file : files.entrySet()) {
            queue("carol", file.getKey(), file.getValue());
        }
        try (RawUpdateConnection connection = connect()) {
            connection.sendPoll("carol");
            for (var file : files.entrySet()) {
                JsonNode offer = connection.readHeader();
                assertThat(offer).as("the offer of " + file.getKey()).isNotNull();
                assertThat(offer.path("file-name").asText()).isEqualTo(file.getKey());
                assertThat(offer.path("file-hash").asText()).isEqualTo(fileHash(file.getValue()));
                assertThat(connection.readPayload(offer.path("file-size").asLong())).isEqualTo(file.getValue());
                connection.sendAck("carol", fileHash(file.getValue()));
            }
            assertThat(connection.readHeader()).isNull();
        }
        eventually().untilAsserted(() -> assertThat(listQueue("carol")).isEmpty());
    }

    @Test
    @Requirement({"D9", "D10"})
    void aClientThatLeavesBeforeTheAckGetsTheSameFileAgain() throws Exception {
        byte[] content = TestFiles.randomBytes(200_000, 3);
        Path queued = queue("dave", "patch.bin", content);

        // Killed halfway through the bytes.
        try (RawUpdateConnection connection = connect()) {
            connection.sendPoll("dave");
            JsonNode offer = connection.readHeader();
            assertThat(offer.path("file-name").asText()).isEqualTo("patch.bin");
            connection.readAndDrop(content.length / 2);
        }
        // Killed after every byte, before the ack.
        awaitOffer("dave", "patch.bin", content, false);
        assertThat(queued).exists();
        // The next poll gets it again, whole; this time it is acknowledged.
        awaitOffer("dave", "patch.bin", content, true);
        eventually().untilAsserted(() -> assertThat(queued).doesNotExist());
    }

    /** Bad frames: what a client sends, and a description for the report. */
    static Stream<Arguments> badFrames() {
        String hash = "sha256:" + "0".repeat(64);
        return Stream.of(
                Arguments.of("length 0", new byte[] {0, 0}),
                Arguments.of("not JSON", RawUpdateConnection.frame("this is not json")),
                Arguments.of("not UTF-8", RawUpdateConnection.frame(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'})),
                Arguments.of("JSON but not an object", RawUpdateConnection.frame("[\"poll\", \"mallory\"]")),
                Arguments.of("no client-id", RawUpdateConnection.frame("{\"request-type\": \"poll\"}")),
                Arguments.of("no request-type", RawUpdateConnection.frame("{\"client-id\": \"mallory\"}")),
                Arguments.of("client-id not a string",
                        RawUpdateConnection.frame("{\"client-id\": 7, \"request-type\": \"poll\"}")),
                Arguments.of("unknown request type", RawUpdateConnection.frame(
                        "{\"client-id\": \"mallory\", \"request-type\": \"delete\"}")),
                Arguments.of("an ack before any offer", RawUpdateConnection.frame(RawUpdateConnection.ack("mallory",
                        hash))),
                Arguments.of("id with /", RawUpdateConnection.frame(RawUpdateConnection.poll("mallory/inner"))),
                Arguments.of("id ..", RawUpdateConnection.frame(RawUpdateConnection.poll(".."))),
                Arguments.of("id ../secret", RawUpdateConnection.frame(RawUpdateConnection.poll("../secret"))),
                Arguments.of("empty id", RawUpdateConnection.frame(RawUpdateConnection.poll(""))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    @Requirement({"D6", "D12"})
    void aBadFrameClosesThatConnectionOnlyAndAnotherTransferGoesOn(String what, byte[] bytes) throws Exception {
        badFrameClosesOnlyItsConnection(bytes);
    }

    @Test
    @Requirement({"D6", "D11"})
    void aFrameLongerThanTheLimitIsClosedBeforeItIsServed() throws Exception {
        Assumptions.assumeTrue(maxRequestBytes() < 0xFFFF,
                "the server accepts headers of 65535 bytes, so no frame can be longer than its limit");
        // A valid poll for mallory, padded with spaces to one byte over the limit: a server that
        // ignored the limit would offer mallory's file.
        String poll = RawUpdateConnection.poll("mallory");
        String padded = poll + " ".repeat(maxRequestBytes() + 1 - poll.length());
        badFrameClosesOnlyItsConnection(RawUpdateConnection.frame(padded));
    }

    private void badFrameClosesOnlyItsConnection(byte[] bytes) throws Exception {
        Path malloryFile = queue("mallory", "secret-plan.txt", "not for a bad frame".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(temp.resolve("secret"));
        Files.writeString(temp.resolve("secret").resolve("outside.txt"), "outside the outbox");
        byte[] content = TestFiles.randomBytes(1 << 20, 4);
        Path goodFile = queue("good", "big.bin", content);

        try (RawUpdateConnection good = connect()) {
            // A good client is in the middle of its transfer...
            good.sendPoll("good");
            JsonNode offer = good.readHeader();
            assertThat(offer.path("file-name").asText()).isEqualTo("big.bin");
            byte[] firstPart = good.readPayload(64 * 1024);

            // ...when a bad one sends its frame: it is closed, promptly and without a byte.
            try (RawUpdateConnection bad = RawUpdateConnection.open(server.address(), idleTimeout().dividedBy(2),
                    timeline::note)) {
                bad.send(bytes);
                assertThat(bad.closedWithoutAByte()).as("the connection that sent a bad frame is closed").isTrue();
            }

            // The good transfer goes on to the end.
            byte[] rest = good.readPayload(content.length - firstPart.length);
            byte[] whole = Arrays.copyOf(firstPart, content.length);
            System.arraycopy(rest, 0, whole, firstPart.length, rest.length);
            assertThat(fileHash(whole)).isEqualTo(fileHash(content));
            good.sendAck("good", fileHash(content));
            assertThat(good.readHeader()).isNull();
        }
        eventually().untilAsserted(() -> assertThat(goodFile).doesNotExist());
        assertThat(malloryFile).as("nothing of mallory's queue was touched").exists();
        assertThat(temp.resolve("secret").resolve("outside.txt")).exists();
    }

    @Test
    @Requirement({"D3", "D9", "D13"})
    void fiftyClientsPollingAtOnceEachGetExactlyTheirOwnFiles() throws Exception {
        int clients = 50;
        Map<String, Map<String, String>> expected = new TreeMap<>(); // client -> name -> hash
        for (int c = 0; c < clients; c++) {
            String clientId = "client-" + c;
            Map<String, String> files = new TreeMap<>();
            for (int f = 0; f < 2; f++) {
                byte[] content = TestFiles.randomBytes(1_000 + (c * 977 + f * 4_001) % 60_000, c * 10 + f);
                String name = "file-" + f + "-of-" + clientId + ".bin";
                queue(clientId, name, content);
                files.put(name, fileHash(content));
            }
            expected.put(clientId, files);
        }

        ExecutorService pool = Executors.newFixedThreadPool(clients, runnable -> new Thread(runnable, "update-poller"));
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Map<String, String>>> received = new ArrayList<>();
            for (String clientId : expected.keySet()) {
                received.add(pool.submit(receiveEverything(clientId, expected.get(clientId).keySet(), start)));
            }
            start.countDown();
            long waitMillis = SuiteTimeouts.scaled(Duration.ofSeconds(60)).toMillis();
            int c = 0;
            for (String clientId : expected.keySet()) {
                assertThat(received.get(c++).get(waitMillis, TimeUnit.MILLISECONDS)).as("what " + clientId
                        + " received")
                        .isEqualTo(expected.get(clientId));
            }
        } finally {
            pool.shutdownNow();
        }
        eventually().untilAsserted(() -> {
            for (String clientId : expected.keySet()) {
                assertThat(listQueue(clientId)).as("the queue of " + clientId).isEmpty();
            }
        });
    }

    /**
     * Polls and acknowledges every offer whose bytes match its hash; name -> hash. A connection the
     * server ends before every file of {@code expected} came is followed by another poll, as an
     * update client polls again (D9: what was not acknowledged stays queued): on a loaded machine
     * one of fifty clients may stay silent past a short idle timeout between offer and ack (D14),
     * and the server is right to close it.
     */
    private Callable<Map<String, String>> receiveEverything(String clientId, Set<String> expected,
                                                            CountDownLatch start) {
        return () -> {
            start.await();
            Map<String, String> received = new TreeMap<>();
            long deadline = System.nanoTime() + answerTimeout().toNanos();
            do {
                try (RawUpdateConnection connection = connect()) {
                    connection.sendPoll(clientId);
                    for (JsonNode offer; (offer = connection.readHeader()) != null; ) {
                        String actual = fileHash(connection.readPayload(offer.path("file-size").asLong()));
                        assertThat(actual).as("the bytes of " + offer).isEqualTo(offer.path("file-hash").asText());
                        received.put(offer.path("file-name").asText(), actual);
                        connection.sendAck(clientId, actual);
                    }
                }
                if (!received.keySet().containsAll(expected)) {
                    timeline.note("%s: the server ended the connection with %s received; polling again", clientId,
                            received.keySet());
                }
            } while (!received.keySet().containsAll(expected) && System.nanoTime() < deadline);
            return received;
        };
    }

    @Test
    @Requirement({"D14"})
    void aSilentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        queue("erin", "waiting.txt", "still here".getBytes(StandardCharsets.UTF_8));
        Duration limit = idleTimeout().plus(answerTimeout());
        // Silent from the start, and silent after half a length field: both at once.
        try (RawUpdateConnection silent = RawUpdateConnection.open(server.address(), limit, timeline::note);
             RawUpdateConnection halfFrame = RawUpdateConnection.open(server.address(), limit, timeline::note)) {
            long connected = System.nanoTime();
            halfFrame.send(new byte[] {0});
            for (RawUpdateConnection connection : List.of(silent, halfFrame)) {
                assertThat(connection.closedWithoutAByte()).isTrue();
                Duration open = Duration.ofNanos(System.nanoTime() - connected);
                assertThat(open).as("closed after the idle timeout, not before")
                        .isGreaterThanOrEqualTo(idleTimeout().minusMillis(50));
            }
        }
        assertThat(outbox.resolve("erin").resolve("waiting.txt")).exists();
    }

    // ---------------------------------------------------------------- helpers

    /** Awaitility, checking at once and then often: the server usually is already done. */
    protected ConditionFactory eventually() {
        return await().atMost(answerTimeout()).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20));
    }

    protected RawUpdateConnection connect() throws IOException {
        return RawUpdateConnection.open(server.address(), answerTimeout(), timeline::note);
    }

    /** Polls until {@code name} is offered (a server may still be noticing that an earlier client left). */
    private void awaitOffer(String clientId, String name, byte[] content, boolean acknowledge) {
        eventually().untilAsserted(() -> {
            try (RawUpdateConnection connection = connect()) {
                connection.sendPoll(clientId);
                JsonNode offer = connection.readHeader();
                assertThat(offer).as("an offer for " + clientId).isNotNull();
                assertThat(offer.path("file-name").asText()).isEqualTo(name);
                assertThat(offer.path("file-hash").asText()).isEqualTo(fileHash(content));
                assertThat(connection.readPayload(content.length)).isEqualTo(content);
                if (acknowledge) {
                    connection.sendAck(clientId, fileHash(content));
                    assertThat(connection.readHeader()).isNull();
                }
            }
        });
    }

    protected Path queue(String clientId, String name, byte[] content) throws IOException {
        Path directory = Files.createDirectories(outbox.resolve(clientId));
        // Written under a hidden name and renamed, as an operator should, so no half file is offered.
        Path hidden = Files.write(directory.resolve(".incoming-" + name), content);
        return Files.move(hidden, directory.resolve(name));
    }

    private List<String> listQueue(String clientId) throws IOException {
        return LeftFiles.names(outbox.resolve(clientId)); // the server removes files as they go: no race
    }

    /** The file hash as protocol D writes it: {@code sha256:} and the hex digest. */
    protected static String fileHash(byte[] bytes) {
        return "sha256:" + TestFiles.sha256(bytes);
    }

    protected static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }
}
