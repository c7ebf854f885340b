package transferlab.contract.upload;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static transferlab.testkit.SuiteTimeouts.scaled;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import transferlab.contract.SuiteScope;
import transferlab.testkit.PrintableText;
import transferlab.testkit.RawUploadClient;
import transferlab.testkit.Requirement;
import transferlab.testkit.SuiteTimeouts;
import transferlab.testkit.TcpProxy;
import transferlab.testkit.TestFiles;

/**
 * The contract of protocol U (resources/protocols/upload.md): every upload server, ours or a
 * student's, must pass these tests. Each test starts a fresh server with limits of its own in an
 * empty directory, talks to it over loopback at the byte level with a {@link RawUploadClient},
 * and checks both the bytes on the wire and the files on disk. Each cites the requirements it checks.
 *
 * <p>A concrete subclass names the servers, one {@link UploadServerFactory} each, e.g.
 * {@code ReferenceUploadServersTest} in this module's tests; {@code ./transfer check upload} runs
 * the same tests against a student's server. To be fair to a student's server there:
 * <ul>
 *   <li>each test judges one requirement and assumes only the core besides it (resources/protocols/
 *       upload.md, "How the tests judge"): a missing extension costs that extension's points alone.
 *       Where a reply line is only an extension, the core's signal is accepted instead: after the
 *       content, the server closes and the file appears whole; a refusal is a close without
 *       "go ahead", with an "error" line before it or none (U7 judges the line);</li>
 *   <li>the core requirements (U1, U2, U3, U5) are judged as seed 004 defines them, and a stored file
 *       is looked for under the names {@link #storedNames()} allows (the grader accepts seed 004's
 *       {@code NAME.temp<digits>});</li>
 *   <li>a test whose verdict depends on a limit it sets is N/A for a server that could not be given
 *       that limit ({@link SuiteScope#assumeLimitsApplied}), and a test that looks at stored files is
 *       N/A where the suite cannot see the server's directory ({@link SuiteScope#assumeDirectoryVisible});</li>
 *   <li>every wait is scaled by {@link SuiteTimeouts} when it is used, so {@code --timeout-factor}
 *       reaches all of them (the constants below are the waits at factor 1);</li>
 *   <li>every failure says, in protocol terms, what was sent, what came back or was stored, and, for
 *       the common bugs, where to look.</li>
 * </ul>
 */
public abstract class UploadContract extends UploadJudging {
    protected UploadContract(UploadServerFactory factory) {
        super(factory);
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
        awaitStored("seed-upload.bin", content, "");
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
        // 16 pieces 10 ms apart: a server that trusts one recv gets all the content only if it is held up
        // for the whole 0.16 s, so a busy machine does not hide it (1 ms apart, a 16 ms delay did)
        TcpProxy proxy = TcpProxy.start(server.address(),
                TcpProxy.Faults.none().splitInto(2048, Duration.ofMillis(10)));
        toClose.add(proxy);
        try (RawUploadClient client = RawUploadClient.connect(proxy.address(), timeline::note)) {
            client.send(RawUploadClient.header(content.length, "pieces.bin"));
            expectGoAhead(client, "pieces.bin", content.length);
            client.send(content);
            client.finishSending();
            awaitStored("pieces.bin", content, "the content arrived in pieces of 2048 bytes, as over a slow network: "
                    + "was it read with one recv? Loop until size bytes have come (U3)");
        }
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
            expectGoAhead(client, "kept-open.bin", content.length);
            client.send(content);
            awaitStored("kept-open.bin", content, "the client sent all its bytes and kept the connection open: does "
                    + "the server read until the client closes? It must stop after exactly size bytes (U3)");
        }
    }

    /** U3: a size of 0 is a valid, empty file. */
    @Test
    @Requirement("U3")
    void emptyFileIsStored() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        uploadAsTheSeedClientDoes("empty.txt", new byte[0]);
        awaitStored("empty.txt", new byte[0], "a size of 0 is a valid, empty file (U3)");
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
                awaitStored("seed-" + i + ".bin", content, "client " + (i + 1) + " of 3, each closing right after "
                        + "its content as seed 004's client does (U5)");
            }
        }
    }

    /** U5: a larger upload whose client closes at once is complete, and the server then serves the next client. */
    @Test
    @Requirement("U5")
    void seedClientThatClosesWithoutReadingOkHasItsFileStoredAndTheNextClientIsServed() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] content = TestFiles.randomBytes(200_000, 3);
        uploadAsTheSeedClientDoes("seed.bin", content); // closed at once: it never reads a reply
        awaitStored("seed.bin", content, "the client closed right after its last byte, as seed 004's does: "
                + "that is a complete upload (U5)");
        assertServesTheNextClient("a client that closed right after its content");
    }

    // ---------------------------------------------------------------- the "ok" line

    @Test
    @Requirement("U6")
    void headerInOneWriteGetsGoAheadThenContentGetsOkWithItsSha256() throws Exception {
        start(limits());
        byte[] content = TestFiles.randomBytes(100_000, 1);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, "notes.txt"));
            expectGoAhead(client, "notes.txt", content.length);
            client.send(content);
            String reply = client.readLine();
            assertThat(reply).as("the server's line after the %d bytes of content%s:%nU6 asks for \"ok <sha256>\\n\" "
                    + "(the SHA-256 of the bytes received, 64 lower-case hex digits) once the file is stored",
                    content.length, reply == null ? " (the server closed without one)" : "")
                    .isEqualTo("ok " + TestFiles.sha256(content) + "\n");
            assertThat(client.serverClosed()).as("the server closes after the ok line (U6)").isTrue();
        }
    }

    @Test
    @Requirement("U6")
    void anEmptyFileGetsTheSha256OfNothing() throws Exception {
        start(limits());
        String reply = upload("empty-ok.txt", new byte[0]);
        assertThat(reply).as("the server's line after an empty upload (U6: the SHA-256 of 0 bytes)")
                .isEqualTo("ok " + TestFiles.sha256(new byte[0]) + "\n");
    }

    // ---------------------------------------------------------------- the header arriving in pieces

    @Test
    @Requirement("U4")
    void headerSplitIntoOneBytePiecesByAProxyIsReadWhole() throws Exception {
        // The header's bytes 10 ms apart, in a settle window 50 times wider: with the 50 ms default, a busy
        // machine that delays the proxy's thread for 50 ms cuts the name (the cost the spec documents). A
        // server that reads the header with one recv gets it whole only if it is held up for all 0.3 s of
        // pieces, so the test catches it on a busy machine too (1 ms apart, a 30 ms delay hid it).
        start(limits().withHeaderSettle(Duration.ofMillis(500)));
        SuiteScope.assumeDirectoryVisible(server);
        String name = "split-into-pieces-ü.txt";
        TcpProxy proxy = TcpProxy.start(server.address(), TcpProxy.Faults.none()
                .singleBytesFirst(RawUploadClient.header(0, name).length).splitInto(0, Duration.ofMillis(10)));
        toClose.add(proxy);
        byte[] content = TestFiles.randomBytes(100, 6);
        String oneRecv = "was the header read with one recv? A header may arrive in pieces: read until the bytes "
                + "pause for the settle window (U4)";
        try (RawUploadClient client = RawUploadClient.connect(proxy.address(), timeline::note)) {
            client.send(RawUploadClient.header(content.length, name));
            String answer = answerOrClosed(client);
            if (!"go ahead".equals(answer)) {
                throw new AssertionError("to a header of " + RawUploadClient.header(0, name).length + " bytes that "
                        + "arrived 1 byte at a time the server answered "
                        + (answer == null ? "nothing" : quoted(answer))
                        + " and closed, instead of \"go ahead\": it took the first piece(s) for the whole header\n"
                        + oneRecv);
            }
            client.send(content);
            client.finishSending();
            awaitStoredUnderItsName(name, content, "the header arrived 1 byte at a time", oneRecv);
        }
    }

    /** U4: the size first, then a pause longer than the settle window, then the name: one header, the name whole. */
    @Test
    @Requirement("U4")
    void sizeThenAPauseThenTheNameIsOneHeader() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] header = RawUploadClient.header(3, "late-name.txt");
        try (RawUploadClient client = connect()) {
            client.send(Arrays.copyOf(header, 8));
            CompletableFuture<String> answer = readAsync(() -> answerOrClosed(client));
            assertNoAnswerDuring(answer, scaled(Duration.ofMillis(300)), "8 bytes of size hold no name yet, so the "
                    + "server waits for at least one more byte (U4, step 1); was the header read with one recv?");
            client.send(Arrays.copyOfRange(header, 8, header.length));
            await().atMost(scaled(PROMPTLY)).until(answer::isDone);
            assertThat(answer.get()).as("the answer to 8 bytes of size, a pause of 0.3 s, then the name "
                    + "'late-name.txt': 8 bytes hold no name yet, so the server reads on (U4, step 1)")
                    .isEqualTo("go ahead");
            client.send("abc".getBytes(US_ASCII));
            client.finishSending();
            awaitStoredUnderItsName("late-name.txt", "abc".getBytes(US_ASCII), "the name came 0.3 s after the size",
                    "a server that answers the first 8 bytes takes an empty name (U4, step 1)");
        }
    }

    @Test
    @Requirement("U4")
    void theNameEndsWhereTheClientStopsSendingAndWaitsForGoAhead() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(3, "a"));
            // The server cannot know more name bytes will come; it answers the header it has.
            expectGoAhead(client, "a", 3);
            client.send("bcd".getBytes(US_ASCII));
            client.finishSending();
            awaitStoredUnderItsName("a", "bcd".getBytes(US_ASCII), "the client sent the name 'a', waited for "
                    + "\"go ahead\", then the content 'bcd'", "the name ends where the client stops sending (U4)");
        }
    }

    @Test
    @Requirement("U4")
    void emptyNameThatIsEightBytesThenEndOfStreamIsABadHeader() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        assertHeaderRefused(RawUploadClient.header(5, new byte[0]), true, "bad-header",
                "8 bytes of size and then the end of the stream (no name)",
                "a header needs at least one byte of name (U4)");
    }

    // ---------------------------------------------------------------- names (U8)

    /** A name a server must refuse with {@code bad-name} (U8): a label for reports and the raw bytes sent. */
    protected record BadName(String label, byte[] nameBytes) {
        static BadName of(String name) {
            return new BadName(name, name.getBytes(UTF_8));
        }

        @Override
        public String toString() {
            return PrintableText.of(label); // control characters as \\uXXXX in reports
        }
    }

    /**
     * Stands for an absolute name: the test sends the absolute path of {@code x} beside the served
     * directory, never a system file (a server that writes where it is told would change it).
     */
    static final String ABSOLUTE_NAME = "/absolute/path/of/x";

    static Stream<BadName> badNames() {
        return Stream.of(
                BadName.of("../x"),
                BadName.of(ABSOLUTE_NAME), // the absolute path of the file beside the served directory
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
    @Requirement("U8")
    void badNameIsRefusedNothingIsWrittenAndTheNextClientIsServed(BadName bad) throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        Files.writeString(parent.resolve("x"), "a file beside the served directory");
        byte[] name = bad.label().equals(ABSOLUTE_NAME)
                ? parent.resolve("x").toString().getBytes(UTF_8) : bad.nameBytes();
        assertHeaderRefused(RawUploadClient.header(5, name), false, "bad-name", "the name '" + bad + "'",
                "a name must be a plain file name: 1..255 bytes of valid UTF-8, no '/', '\\' or control "
                        + "character, not starting with '.' (U8); joined to the directory unchecked, "
                        + "a name like ../x writes outside it");
    }

    @Test
    @Requirement("U8")
    void nameOf255Utf8BytesWithMultiByteCharactersIsStored() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        String name = "é".repeat(100) + "€".repeat(18) + "a"; // 200 + 54 + 1 = 255 bytes
        assertThat(name.getBytes(UTF_8)).as("the test's name, in UTF-8 bytes").hasSize(255);
        uploadAndAwaitStored(name, TestFiles.randomBytes(1000, 2), "a name of exactly 255 bytes is a valid name (U8)");
    }

    // ---------------------------------------------------------------- sizes (U9)

    @Test
    @Requirement("U9")
    void sizeAboveTheLimitIsRefusedBeforeAnyContent() throws Exception {
        start(limits());
        SuiteScope.assumeLimitsApplied(server);
        SuiteScope.assumeDirectoryVisible(server);
        assertHeaderRefused(RawUploadClient.header(MAX_SIZE + 1, "big.bin"), false, "too-large", "a size of "
                + (MAX_SIZE + 1) + " bytes, one above the limit of " + MAX_SIZE + " the server was given ({max-size})",
                "a size above the limit is refused before any content (U9)");
    }

    @Test
    @Requirement("U9")
    void sizeExactlyAtTheLimitIsAccepted() throws Exception {
        start(limits());
        SuiteScope.assumeLimitsApplied(server);
        SuiteScope.assumeDirectoryVisible(server);
        uploadAndAwaitStored("limit.bin", TestFiles.randomBytes((int) MAX_SIZE, 7),
                "a size equal to the limit (" + MAX_SIZE + " bytes, {max-size}) is accepted (U9)");
    }

    @Test
    @Requirement("U9")
    void sizeWithTheTopBitSetIsRefused() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        assertHeaderRefused(RawUploadClient.header(Long.MIN_VALUE | 5, "negative.bin"), false, "bad-size",
                "a size with the top bit set (0x8000000000000005)",
                "the size is unsigned: read as a signed 64-bit number it is negative (U9)");
    }

    // ---------------------------------------------------------------- refusal lines (U7)

    /**
     * U7: each refusal is one line {@code error <code>: <detail>\n}, then the server closes. The
     * provocations are those the spec lists; the test judges the ones this server refuses (a server
     * without U8's or U9's checks accepts some of them, which costs U8 or U9, not U7), and needs at
     * least one refusal to judge.
     */
    @Test
    @Requirement("U7")
    void everyRefusalIsOneErrorLineThenTheServerCloses() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        Files.createDirectories(directory.resolve("taken"));
        List<String> judged = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        judgeRefusal("the name '../x'", RawUploadClient.header(5, "../x"), false, null, judged, wrong);
        judgeRefusal("a size with the top bit set", RawUploadClient.header(Long.MIN_VALUE | 5, "negative.bin"),
                false, null, judged, wrong);
        judgeRefusal("8 bytes of size, then the end of the stream", RawUploadClient.header(5, new byte[0]),
                true, null, judged, wrong);
        if (!(server instanceof SuiteScope.FixedLimits)) {
            judgeRefusal("a size above the limit", RawUploadClient.header(MAX_SIZE + 1, "big.bin"), false, null,
                    judged, wrong);
        }
        judgeRefusal("the name 'taken' of an existing directory", RawUploadClient.header(10, "taken"), false,
                new byte[10], judged, wrong);
        assertThat(wrong).as("refusals that were not one line \"error <code>: <detail>\\n\" followed by the close "
                + "(U7)%nof the refusals of: %s", judged).isEmpty();
        assertThat(judged).as("the server refused none of: the name '../x', a size with the top bit set, "
                + "a header without a name, a size above the limit, a name taken by a directory%nU7 is judged on "
                + "the refusals U4, U8, U9 and U17 call for").isNotEmpty();
    }

    // ---------------------------------------------------------------- nothing half-written (U10), re-upload (U11)

    static final String END_OF_STREAM_HINT = "when recv returns no bytes (b'' in Python, -1 in Java) the "
            + "client has closed: stop, and delete the partial file (U10); a loop `while received < size: recv` that "
            + "does not check for it spins for ever";

    @Test
    @Requirement("U10")
    void clientThatSendsHalfTheContentAndClosesLeavesNoFileAndNoTemporaryFile() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        Map<String, String> before = snapshot(parent);
        byte[] content = TestFiles.randomBytes(100_000, 8);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, "half.bin"));
            expectGoAhead(client, "half.bin", content.length);
            client.send(Arrays.copyOf(content, content.length / 2));
            client.finishSending(); // the end of the stream: the server's recv returns no bytes
            // The server closing its side shows it has dealt with the end: only then is "nothing left" a verdict.
            CompletableFuture<String> end = readAsync(() -> lineOrClosed(client));
            try {
                await().atMost(scaled(PROMPTLY)).pollInterval(Duration.ofMillis(10)).until(end::isDone);
            } catch (ConditionTimeoutException stillReading) {
                assertNothingWritten(before, Duration.ZERO, "after a client sent 50000 of its 100000 bytes and "
                        + "ended its stream, the server still held the connection open " + seconds(scaled(PROMPTLY))
                        + " later", END_OF_STREAM_HINT);
                return; // nothing left: U10 holds, whatever the server is still doing
            }
        }
        assertNothingWritten(before, "after a client sent 50000 of its 100000 bytes and closed", END_OF_STREAM_HINT);
        assertServesTheNextClient("a client that closed in the middle of its content");
    }

    @Test
    @Requirement("U10")
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
            expectGoAhead(client, "cut.bin", content.length);
            try {
                client.send(content);
            } catch (IOException cut) {
                // The proxy may cut while we are still writing: that is the point.
            }
            assertThat(client.serverClosed()).as("the connection ends after the network cut it").isTrue();
        }
        assertThat(proxy.cuts()).as("connections the test's proxy cut").isEqualTo(1);
        // The server's side of a cut is not visible from here: the directory must stay as it was for a while
        // (0.3 s), so that a look taken before the server wrote anything cannot pass a server that leaves a file.
        assertStaysUnchanged(before, scaled(Duration.ofMillis(300)),
                "after the network cut an upload after 100000 of its 200000 bytes");
        assertServesTheNextClient("a client whose connection the network cut");
    }

    /**
     * U10: while an upload is under way its name shows none of it: a new name does not exist yet, an
     * existing one keeps its old content (the content goes to a hidden temporary file first).
     */
    @Test
    @Requirement("U10")
    void anUploadUnderWayIsNotVisibleUnderItsName() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] old = TestFiles.randomBytes(4000, 13);
        uploadAndAwaitStored("existing.bin", old, "the first upload of existing.bin");
        String existing = storedName("existing.bin");
        byte[] fresh = TestFiles.randomBytes(6000, 14);
        Map<String, String> beforeNew = snapshot(directory);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(fresh.length, "under-way.bin"));
            expectGoAhead(client, "under-way.bin", fresh.length);
            client.send(Arrays.copyOf(fresh, fresh.length / 2));
            assertHoldsWhileUnderWay(beforeNew, () -> visibleNames(directory).equals(List.of(existing)),
                    "while under-way.bin was half sent, the server's directory showed",
                    "instead of only " + existing + ": an upload under way is written to a hidden temporary file "
                            + "(a name starting with '.') and moved to its name only when complete (U10)");
            client.send(Arrays.copyOfRange(fresh, fresh.length / 2, fresh.length));
            client.finishSending();
            awaitStoredUnderItsName("under-way.bin", fresh, "the rest of its content came", "");
        }
        byte[] replacement = TestFiles.randomBytes(5000, 15);
        Map<String, String> beforeReplacement = snapshot(directory);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(replacement.length, "existing.bin"));
            expectGoAhead(client, "existing.bin", replacement.length);
            client.send(Arrays.copyOf(replacement, replacement.length / 2));
            Path existingFile = directory.resolve(existing);
            assertHoldsWhileUnderWay(beforeReplacement, () -> Arrays.equals(Files.readAllBytes(existingFile), old),
                    "while a replacement of existing.bin was half sent, the server's directory showed",
                    "with " + existing + " no longer its old content: it keeps it until the new one is complete "
                            + "and moved into place with one rename (U10)");
            client.send(Arrays.copyOfRange(replacement, replacement.length / 2, replacement.length));
            client.finishSending();
            lineOrClosed(client); // the server is done with it: stored, or (U11's business) refused
            assertThat(Files.readAllBytes(existingFile)).as("%s once its replacement was complete: the old content "
                    + "or the new, whole, never a mix (U10)", existing).satisfiesAnyOf(
                    bytes -> assertThat(bytes).isEqualTo(old), bytes -> assertThat(bytes).isEqualTo(replacement));
        }
    }

    @Test
    @Requirement("U11")
    void uploadingAnExistingNameReplacesTheFile() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] first = TestFiles.randomBytes(5000, 4);
        byte[] second = TestFiles.randomBytes(3000, 5);
        uploadAndAwaitStored("same.txt", first, "the first upload of same.txt");
        uploadAndAwaitStored("same.txt", second, "the second upload of same.txt replaces the first (U11)");
        assertThat(listing(directory)).as("the server's directory after same.txt was uploaded twice: one file, "
                + "the second content (U11)").containsExactly(storedName("same.txt"));
    }

    // ---------------------------------------------------------------- timeouts (U12, U13)

    @Test
    @Requirement("U12")
    void clientThatConnectsAndSaysNothingIsClosedAfterTheIdleTimeout() throws Exception {
        start(limitsWithShortIdleTimeout());
        SuiteScope.assumeLimitsApplied(server);
        SuiteScope.assumeDirectoryVisible(server);
        long beforeConnect = System.nanoTime(); // the server's idle timer cannot start earlier
        try (RawUploadClient silent = connect()) {
            assertEndsAfterTheIdleTimeout(silent, beforeConnect, "a client that connected and sent nothing");
        }
        assertThat(listing(directory)).as("the server's directory after a silent client").isEmpty();
        assertServesTheNextClient("a silent client");
    }

    @Test
    @Requirement("U12")
    void eightHeaderBytesThenSilenceAreNotWaitedForLongerThanTheIdleTimeout() throws Exception {
        start(limitsWithShortIdleTimeout());
        SuiteScope.assumeLimitsApplied(server);
        SuiteScope.assumeDirectoryVisible(server);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(5, new byte[0]));
            // An empty name cannot be told from a name still on its way (U4): the server may wait for
            // it, but no longer than the idle timeout. A refusal at once is fine here.
            CompletableFuture<String> answer = readAsync(() -> answerOrClosed(client));
            awaitAnswer(answer, scaled(SHORT_IDLE_TIMEOUT).plus(scaled(PROMPTLY)),
                    "8 bytes of size and then silence: every read waits at most the idle timeout of "
                            + seconds(scaled(SHORT_IDLE_TIMEOUT)) + " ({idle-timeout}, U12)");
            // Any refusal will do here (a timeout line, bad-name at once, or the close): U12 asks only that it ends.
            assertThat(answer.get()).as("the answer to a header without a name").isNotEqualTo("go ahead");
        }
        assertThat(listing(directory)).as("the server's directory after a header without a name").isEmpty();
    }

    @Test
    @Requirement("U12")
    void clientThatStopsSendingContentIsRefusedAfterTheIdleTimeoutAndLeavesNothing() throws Exception {
        start(limitsWithShortIdleTimeout());
        SuiteScope.assumeLimitsApplied(server);
        SuiteScope.assumeDirectoryVisible(server);
        Map<String, String> before = snapshot(parent);
        byte[] content = TestFiles.randomBytes(10_000, 9);
        try (RawUploadClient client = connect()) {
            long started = System.nanoTime();
            client.send(RawUploadClient.header(content.length, "stalled.bin"));
            expectGoAhead(client, "stalled.bin", content.length);
            client.send(Arrays.copyOf(content, 5000));
            assertEndsAfterTheIdleTimeout(client, started, "a client that sent 5000 of its 10000 bytes and stopped");
        }
        assertNothingWritten(before, "after a client stopped in the middle of its content and was timed out");
        assertServesTheNextClient("a client that stopped in the middle of its content");
    }

    @Test
    @Requirement("U13")
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
            expectGoAhead(client, "slow.bin", 10_000);
            client.send(new byte[100]);
            CompletableFuture<String> reply = readAsync(() -> lineOrClosed(client));
            // Well before the idle timeout (4 s at factor 1) could end it.
            awaitAnswer(reply, scaled(Duration.ofSeconds(3)), "an upload of 10000 bytes that sent 100 and then "
                    + "stalled: the deadline of " + seconds(deadline) + " ({deadline}) ends it, the idle timeout of "
                    + seconds(idleTimeout) + " would not yet (U13: the clock starts at the accept)");
            assertTimeoutLineIfAny(reply.get());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time until the server ended the upload, "
                    + "at least the deadline (U13)").isGreaterThanOrEqualTo(deadline);
        }
        assertNothingWritten(before, "after an upload passed its deadline");
    }

    // ---------------------------------------------------------------- one bad client never hurts another (U14)

    /**
     * U14: after clients that break off, send nonsense or are refused, the next client is served
     * each time. What the server does with each bad client is other requirements' business; here
     * only the next upload counts.
     */
    @Test
    @Requirement("U14")
    void everyKindOfBadClientIsFollowedByAServedOne() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] content = TestFiles.randomBytes(20_000, 16);
        record BadClient(String what, byte[] sends, boolean halfClose) {
        }
        List<BadClient> badClients = List.of(
                new BadClient("connected and closed at once", new byte[0], false),
                new BadClient("sent 3 bytes of a header and closed", new byte[] {0, 0, 0}, false),
                new BadClient("sent 8 bytes of size and ended its stream", RawUploadClient.header(5, new byte[0]),
                        true),
                new BadClient("sent a header and half its content, then closed",
                        concat(RawUploadClient.header(content.length, "u14-half.bin"),
                                Arrays.copyOf(content, content.length / 2)), false),
                new BadClient("sent the name '../u14'", RawUploadClient.header(5, "../u14"), false),
                new BadClient("sent a name of 300 bytes", RawUploadClient.header(5, "n".repeat(300)), false),
                new BadClient("sent a size above the limit", RawUploadClient.header(MAX_SIZE + 1, "u14-big.bin"),
                        false));
        int i = 0;
        for (BadClient bad : badClients) {
            try (RawUploadClient client = connect()) {
                if (bad.sends().length > 0) {
                    client.send(bad.sends());
                }
                if (bad.halfClose()) {
                    client.finishSending();
                    answerOrClosed(client);
                }
            }
            uploadAndAwaitStored("next-" + i++ + ".txt", "the next client\n".getBytes(US_ASCII),
                    "the next client, after a client that " + bad.what() + " (U14: one bad client never hurts "
                            + "another)");
        }
    }

    // ---------------------------------------------------------------- storage failures (U17)

    @Test
    @Requirement("U17")
    void fileThatCannotBeStoredIsRefusedAndLeavesNothing() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        Files.createDirectories(directory.resolve("taken"));
        Files.writeString(directory.resolve("taken").resolve("inside.txt"), "not to be replaced");
        Map<String, String> before = snapshot(parent);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(10, "taken"));
            String answer = answerOrClosed(client);
            if ("go ahead".equals(answer)) { // a server may find out only when it moves the file into place
                client.send(new byte[10]);
                answer = lineOrClosed(client);
            }
            // Without U7's line the refusal is the close itself; with a line, it is U17's code.
            if (answer != null) {
                assertThat(answer).as("the server's answer to an upload named 'taken', a directory that exists: "
                        + "it cannot be stored (U17)").startsWith("error storage:");
            }
        }
        assertNothingWritten(before, "after an upload named like an existing directory",
                "the directory stays as it was and the temporary file is deleted (U17)");
        assertServesTheNextClient("an upload that could not be stored");
    }

    // ---------------------------------------------------------------- many clients (U15, U16)

    @Test
    @Requirement("U15")
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
            String name = "file-" + i + ".bin";
            String reply = replies.get(i).get();
            assertThat(reply == null || reply.startsWith("ok ")).as("the reply to client %d of 16 after its content "
                    + "(the close, or an ok line): %s", i + 1, reply).isTrue();
            awaitStoredUnderItsName(name, files.get(name), "16 clients uploaded at once (U15)", "");
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
            expectGoAhead(first, "first.bin", firstContent.length);
            // first is now paused: header sent, "go ahead" received, no content yet.

            second.send(RawUploadClient.header(secondContent.length, "second.bin"));
            CompletableFuture<String> secondAnswer = readAsync(() -> answerOrClosed(second));
            if (factory.concurrent()) {
                awaitAnswer(secondAnswer, scaled(Duration.ofSeconds(3)), "a second client's header while the first "
                        + "is paused after \"go ahead\": a concurrent server answers it meanwhile (U16; graded as "
                        + "concurrent: use --iterative for a stage 1 server)");
                assertThat(secondAnswer.get()).as("the second client's answer").isEqualTo("go ahead");
                second.send(secondContent);
                second.finishSending();
                awaitStoredUnderItsName("second.bin", secondContent, "the first client is still paused (U16)", "");
            } else {
                // Its header is in; a server free to answer would do so within its settle window (50 ms).
                assertNoAnswerDuring(secondAnswer, scaled(Duration.ofMillis(300)), "graded as an iterative server "
                        + "(--iterative), it serves the paused first client to its end before it answers a second "
                        + "(U16)");
            }

            first.send(firstContent);
            first.finishSending();
            awaitStoredUnderItsName("first.bin", firstContent, "the first client sent its content after its pause", "");
            if (!factory.concurrent()) {
                awaitAnswer(secondAnswer, scaled(PROMPTLY), "the second client's header, once the first client is "
                        + "done: an iterative server serves it next (U16)");
                assertThat(secondAnswer.get()).as("the second client's answer").isEqualTo("go ahead");
                second.send(secondContent);
                second.finishSending();
                awaitStoredUnderItsName("second.bin", secondContent, "after the first client finished (U16)", "");
            }
        }
    }
}
