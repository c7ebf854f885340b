package transferlab.contract.upload;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static transferlab.testkit.SuiteTimeouts.scaled;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import transferlab.contract.Timeline;
import transferlab.testkit.LeftFiles;
import transferlab.testkit.PrintableText;
import transferlab.testkit.RawUploadClient;
import transferlab.testkit.ServerUnderTest;
import transferlab.testkit.TestFiles;

/**
 * What the tests of {@link UploadContract} share: the server under test and its directory, how a
 * test starts it with limits of its own, and the judging helpers: talking to the server as a
 * client does ({@link RawUploadClient}), waiting for a file to appear whole, and saying, in
 * protocol terms, what was sent and what came back or was stored when a check fails. The tests
 * themselves, one requirement each, are in {@link UploadContract}.
 */
public abstract class UploadJudging {
    /** Small, so that "too large" is cheap to provoke. */
    protected static final long MAX_SIZE = 1 << 20;
    /** For most tests: longer than any pause a busy machine inflicts on a client thread (scaled at use). */
    protected static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
    /** For the tests of silent clients, so that they finish quickly (scaled at use). */
    protected static final Duration SHORT_IDLE_TIMEOUT = Duration.ofMillis(400);
    /** Longest wait for anything a working server does promptly (scaled at use). */
    protected static final Duration PROMPTLY = Duration.ofSeconds(5);

    private static final AtomicInteger CLIENT_THREADS = new AtomicInteger();
    /** The whole refusal line (U7), as a regular expression. */
    protected static final String ERROR_LINE = "error [a-z-]+: [^\n]+\n";

    final UploadServerFactory factory;
    final List<AutoCloseable> toClose = new ArrayList<>();
    final ExecutorService clients = Executors.newCachedThreadPool(
            task -> new Thread(task, "upload-client-" + CLIENT_THREADS.incrementAndGet()));

    /** The test's own directory: the server stores into {@link #directory}, a subdirectory. */
    @TempDir
    protected Path parent;
    protected Path directory;
    protected ServerUnderTest server;
    /** What the test did, for the grader's report of a failure (the raw clients of connect() write to it). */
    protected Timeline timeline;

    protected UploadJudging(UploadServerFactory factory) {
        this.factory = factory;
    }

    /** The limits most tests use (the default settle window); a test that needs others changes one. */
    protected static UploadTestLimits limits() {
        return UploadTestLimits.of(MAX_SIZE, scaled(IDLE_TIMEOUT));
    }

    /** The limits of the tests that wait for the idle timeout. */
    protected static UploadTestLimits limitsWithShortIdleTimeout() {
        return limits().withIdleTimeout(scaled(SHORT_IDLE_TIMEOUT));
    }

    @BeforeEach
    void openTimeline(TestReporter reporter) {
        timeline = new Timeline(reporter);
    }

    protected void start(UploadTestLimits limits) throws IOException {
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

    // ---------------------------------------------------------------- helpers: talking

    protected RawUploadClient connect() throws IOException {
        return RawUploadClient.connect(server.address(), timeline::note);
    }

    /** One write of the header, exactly "go ahead" back, the content, close without reading more. */
    protected void uploadAsTheSeedClientDoes(String name, byte[] content) throws IOException {
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, name));
            expectGoAhead(client, name, content.length);
            client.send(content);
        }
    }

    /**
     * The answer to a header must be exactly the 8 bytes "go ahead" (U2). The message says what was
     * sent and what the usual causes of each wrong answer are.
     */
    protected static void expectGoAhead(RawUploadClient client, String name, long size) throws IOException {
        String answer = answerOrClosed(client);
        String sent = String.format(Locale.ROOT, "the header of '%s' (8 bytes of size %d, then the name, in one write)",
                name, size);
        if (answer == null) {
            throw new AssertionError("the server closed the connection without answering " + sent + "; U2 asks for "
                    + "exactly the 8 bytes \"go ahead\" (did it crash? see its output below)");
        }
        if (!answer.equals("go ahead")) {
            throw new AssertionError("the server answered " + quoted(answer) + " to " + sent + "; U2 asks for exactly "
                    + "the 8 bytes \"go ahead\", no newline" + (answer.startsWith("error ") ? " (it refused it)" : ""));
        }
    }

    /** The server's first answer ({@link RawUploadClient#readAnswer}), or null if it closed or reset the connection. */
    protected static String answerOrClosed(RawUploadClient client) throws IOException {
        try {
            return client.readAnswer();
        } catch (SocketException reset) {
            return null;
        }
    }

    /** The server's next line, or null if it closed or reset the connection before a byte. */
    protected static String lineOrClosed(RawUploadClient client) throws IOException {
        try {
            return client.readLine();
        } catch (SocketException reset) {
            return null;
        }
    }

    /**
     * A whole upload judged by the core's signals: "go ahead", then after the content (and the
     * client's end of stream) the server closes (an "ok" line before it is welcome, U6 judges it),
     * and the file appears whole.
     */
    protected void uploadAndAwaitStored(String name, byte[] content, String situation) throws IOException {
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, name));
            expectGoAhead(client, name, content.length);
            client.send(content);
            // The stream ends after the content, as the seed client's does: a server that reads until
            // the end stores it too, and loses only U3 (whose own test keeps the connection open), not
            // every requirement whose test needs an upload stored on the way, 10 s of waiting each.
            client.finishSending();
            String reply = lineOrClosed(client);
            if (reply != null && reply.startsWith("error")) {
                throw new AssertionError(situation + ": the server refused '" + name + "' after its " + content.length
                        + " bytes with " + quoted(reply));
            }
        }
        awaitStoredUnderItsName(name, content, situation, "");
    }

    /** One ordinary upload succeeds: whatever happened before did not stop the server (U5). */
    protected void assertServesTheNextClient(String after) throws IOException {
        uploadAndAwaitStored("next.txt", "the next client\n".getBytes(US_ASCII),
                "the next client, after " + after + " (the server goes on, U5)");
    }

    /** A whole, well-behaved upload; returns the server's last line (the "ok" line, a refusal, or null: closed). */
    protected String upload(String name, byte[] content) throws IOException {
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, name));
            String answer = answerOrClosed(client);
            if (!"go ahead".equals(answer)) {
                return answer;
            }
            client.send(content);
            return lineOrClosed(client);
        }
    }

    String uploadUnchecked(String name, byte[] content) {
        try {
            return upload(name, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A refusal instead of "go ahead": the connection closes, with one line before it or none (the
     * line is U7's; judged here only if it names another code than {@code code}).
     */
    protected static void assertRefusedBeforeGoAhead(RawUploadClient client, String code, String sent, String rule)
            throws IOException {
        String answer = answerOrClosed(client);
        if ("go ahead".equals(answer)) {
            throw new AssertionError("the server answered \"go ahead\" to " + sent + ": it must refuse it\n" + rule);
        }
        if (answer != null && answer.startsWith("error ") && !answer.startsWith("error " + code + ":")) {
            throw new AssertionError("the server refused " + sent + " with " + quoted(answer) + "; the code for it is '"
                    + code + "'\n" + rule);
        }
        assertThat(closedOrReset(client)).as("the connection after the server refused %s: it closes (U7)", sent)
                .isTrue();
    }

    /**
     * Sends {@code header} (then ends the stream if asked): the server refuses it before "go ahead",
     * nothing changes in the directory or beside it, and the server then serves the next client.
     */
    protected void assertHeaderRefused(byte[] header, boolean endStream, String code, String sent, String rule)
            throws IOException {
        Map<String, String> before = snapshot(parent);
        try (RawUploadClient client = connect()) {
            client.send(header);
            if (endStream) {
                client.finishSending();
            }
            assertRefusedBeforeGoAhead(client, code, sent, rule);
        }
        assertNothingWritten(before, "after " + sent + " was refused");
        assertServesTheNextClient("a client that sent " + sent);
    }

    static boolean closedOrReset(RawUploadClient client) throws IOException {
        try {
            return client.serverClosed();
        } catch (SocketTimeoutException silent) {
            return false;
        }
    }

    /** For {@link #everyRefusalIsOneErrorLineThenTheServerCloses}: one provocation, judged if it was refused. */
    void judgeRefusal(String what, byte[] header, boolean endStream, byte[] content, List<String> judged,
                              List<String> wrong) throws IOException {
        try (RawUploadClient client = connect()) {
            client.send(header);
            if (endStream) {
                client.finishSending();
            }
            String answer = answerOrClosed(client);
            if ("go ahead".equals(answer)) {
                if (content == null) {
                    return; // accepted: not a refusal, nothing for U7 to judge
                }
                client.send(content);
                answer = lineOrClosed(client);
                if (answer == null || answer.startsWith("ok")) {
                    return; // stored somehow, or nothing to tell: not judged here
                }
            }
            judged.add(what);
            if (answer == null) {
                wrong.add(what + ": the server closed without a line");
            } else if (!answer.matches(ERROR_LINE)) {
                wrong.add(what + ": the server sent " + quoted(answer));
            } else if (!closedOrReset(client)) {
                wrong.add(what + ": after " + quoted(answer) + " the server did not close the connection");
            }
        }
    }

    /** The server ends the connection (a timeout line or the close) not before the idle timeout, and soon after it. */
    void assertEndsAfterTheIdleTimeout(RawUploadClient client, long since, String situation) throws Exception {
        Duration idle = scaled(SHORT_IDLE_TIMEOUT);
        CompletableFuture<String> reply = readAsync(() -> lineOrClosed(client));
        awaitAnswer(reply, idle.plus(scaled(PROMPTLY)), situation + ": the server ends the connection after its "
                + "idle timeout of " + seconds(idle) + " ({idle-timeout}, U12); a read without a timeout waits "
                + "for ever");
        assertThat(Duration.ofNanos(System.nanoTime() - since)).as("%s: time until the server ended it, not before the "
                + "idle timeout (a server that closes at once is not timing anybody out)", situation)
                .isGreaterThanOrEqualTo(idle);
        assertTimeoutLineIfAny(reply.get());
        assertThat(closedOrReset(client)).as("%s: the connection closes after the timeout (U12)", situation).isTrue();
    }

    /**
     * {@code condition} holds at every look for 0.3 s (scaled) while an upload is half sent; the message lists the
     * directory. It is watched once the server has written something of the upload ({@code before}
     * changed: a temporary file, or the file itself), or after 1 s if it writes nothing it shows (an
     * upload kept in memory): a look taken before the server got to the bytes would prove nothing.
     */
    void assertHoldsWhileUnderWay(Map<String, String> before, java.util.concurrent.Callable<Boolean> condition,
                                          String situation, String rule) throws IOException {
        try {
            await().atMost(scaled(Duration.ofSeconds(1))).pollInterval(Duration.ofMillis(10))
                    .until(() -> !snapshot(directory).equals(before));
        } catch (ConditionTimeoutException nothingShown) {
            // The server shows nothing of the upload yet: then nothing can show under its name either.
        }
        if (!holdsAtEveryLook(scaled(Duration.ofMillis(300)), condition)) {
            throw new AssertionError(situation + " " + describeListing(directory) + "\n" + rule);
        }
    }

    /**
     * Whether {@code condition} holds at every look during {@code watch}; false at the first look that
     * finds it false. It looks every 10 ms, and at least {@link #WATCH_LOOKS} times however long the
     * looks take: on a loaded machine, a bound on the watch's own time (1 s more than the watch) once
     * failed a correct server. For a state that lasts until the test moves on (a half-sent upload):
     * a late look must still find it.
     */
    static boolean holdsAtEveryLook(Duration watch, java.util.concurrent.Callable<Boolean> condition) {
        long watchEnds = System.nanoTime() + watch.toNanos();
        int[] looks = {0};
        boolean[] held = {true};
        await().atMost(watch.plus(scaled(Duration.ofSeconds(30)))).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    held[0] = condition.call();
                    return !held[0] || (++looks[0] >= WATCH_LOOKS && System.nanoTime() >= watchEnds);
                });
        return held[0];
    }

    /** The fewest looks of {@link #holdsAtEveryLook}. */
    private static final int WATCH_LOOKS = 5;

    /** No answer comes within {@code watch}: the server is (rightly) still waiting. */
    static void assertNoAnswerDuring(CompletableFuture<String> answer, Duration watch, String why) {
        try {
            await().during(watch).atMost(watch.plus(scaled(Duration.ofSeconds(1)))).pollInterval(Duration.ofMillis(10))
                    .until(() -> !answer.isDone());
        } catch (ConditionTimeoutException e) {
            String got;
            try {
                got = answer.isCompletedExceptionally() ? "an error" : answer.get() == null ? "the close"
                        : quoted(answer.get());
            } catch (Exception unexpected) {
                got = unexpected.toString();
            }
            throw new AssertionError("the server answered with " + got + " within " + seconds(watch) + ": " + why, e);
        }
    }

    /** A timeout ends with the close; a line before it (U7) must name the timeout. */
    static void assertTimeoutLineIfAny(String reply) {
        if (reply != null && reply.startsWith("error ")) {
            assertThat(reply).as("the server's line when a timeout ended the upload").startsWith("error timeout:");
        }
    }

    /** Waits for a reply the server owes; the message says what was owed. */
    static void awaitAnswer(CompletableFuture<String> answer, Duration within, String owed) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(10)).until(answer::isDone);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("nothing came back and the connection stayed open for " + seconds(within) + "\n"
                    + owed);
        }
    }

    // ---------------------------------------------------------------- helpers: the directory

    /** The names under which this run accepts an upload as stored; {@code ExternalUploadCheck} widens them. */
    protected StoredNames storedNames() {
        return StoredNames.EXACT;
    }

    /** The name the upload of {@code sent} is stored under now (the sent name if nothing is stored yet). */
    protected String storedName(String sent) throws IOException {
        return storedNames().find(directory, sent).map(path -> path.getFileName().toString()).orElse(sent);
    }

    /** Waits until the upload of {@code name} is stored whole, under its name or one {@link #storedNames} allows. */
    protected void awaitStored(String name, byte[] content, String hint) {
        awaitStoredUnderItsName(name, content, "", hint);
    }

    /**
     * Waits (promptly) until {@code name} is stored with exactly {@code content}. On failure the message says
     * what the directory held instead: no such file, a part of it, other bytes, or the name cut short.
     */
    protected void awaitStoredUnderItsName(String name, byte[] content, String situation, String hint) {
        StoredNames names = storedNames();
        try {
            promptly().until(() -> names.findAll(directory, name).stream().anyMatch(path -> holds(path, content)));
        } catch (ConditionTimeoutException e) {
            StringBuilder why = new StringBuilder(situation.isEmpty() ? "" : situation + ": ");
            try {
                List<Path> found = names.findAll(directory, name);
                if (found.isEmpty()) {
                    why.append("no file ").append(names.describe(name))
                            .append(" appeared in the server's directory within ")
                            .append(seconds(scaled(PROMPTLY))).append(" (").append(content.length)
                            .append(" bytes were sent)\nthe directory holds ").append(describeListing(directory));
                    String prefix = cutShortName(name);
                    if (prefix != null) {
                        why.append("\nthe name came out as '").append(prefix).append("…'")
                                .append(hint.contains("U4") ? "" : ": was the header read with one recv? see U4");
                    }
                } else if (found.size() > 1) {
                    why.append("none of the files that may hold '").append(name).append("' has the ")
                            .append(content.length).append(" bytes sent, after ").append(seconds(scaled(PROMPTLY)))
                            .append(": ").append(describeListing(directory));
                } else {
                    byte[] stored = LeftFiles.read(found.get(0), content.length);
                    String file = found.get(0).getFileName().toString();
                    if (stored.length > content.length) {
                        why.append(String.format(Locale.ROOT, "%s holds more than the %d bytes sent, after %s",
                                file, content.length, seconds(scaled(PROMPTLY))));
                    } else if (stored.length != content.length) {
                        why.append(String.format(Locale.ROOT, "%s holds %d of the %d bytes sent, after %s", file,
                                stored.length, content.length, seconds(scaled(PROMPTLY))));
                    } else {
                        why.append(String.format(Locale.ROOT,
                                "%s has the %d bytes sent, but they differ from byte %d on",
                                file, stored.length, Arrays.mismatch(stored, content)));
                    }
                }
            } catch (IOException unreadable) {
                why.append("the server's directory could not be read: ").append(unreadable);
            }
            if (!hint.isEmpty()) {
                why.append("\n").append(hint);
            }
            throw new AssertionError(why.toString(), e);
        }
    }

    static boolean holds(Path file, byte[] content) {
        return LeftFiles.holds(file, content); // false when renamed or deleted meanwhile: look again
    }

    /** A visible name in the directory that is a strict prefix of {@code name} (the name cut short), or null. */
    String cutShortName(String name) throws IOException {
        for (String stored : visibleNames(directory)) {
            for (int length = 1; length < name.length(); length++) {
                if (storedNames().matches(stored, name.substring(0, length))) {
                    return name.substring(0, length);
                }
            }
        }
        return null;
    }

    /**
     * Waits (promptly) until the tree under {@link #parent} is as {@code before}; on failure names what is
     * left, added or changed, with sizes.
     */
    protected void assertNothingWritten(Map<String, String> before, String situation, String... hint) {
        assertNothingWritten(before, scaled(PROMPTLY), situation, hint);
    }

    /** The same, waiting at most {@code within} (zero: looks once). */
    void assertNothingWritten(Map<String, String> before, Duration within, String situation, String... hint) {
        try {
            if (within.isZero()) {
                if (!snapshot(parent).equals(before)) {
                    throw new ConditionTimeoutException("changed");
                }
            } else {
                promptly().atMost(within).until(() -> snapshot(parent).equals(before));
            }
        } catch (ConditionTimeoutException | IOException e) {
            throw new AssertionError(situation + (within.isZero() ? ", and" : ", " + seconds(within) + " later")
                    + " the server's directory (received/) and its parent differ from before:\n" + changesSince(before)
                    + (hint.length > 0 ? "\n" + String.join("\n", hint) : ""), e);
        }
    }

    /** Nothing under {@link #parent} changes for {@code window}: a check that cannot come too early. */
    void assertStaysUnchanged(Map<String, String> before, Duration window, String situation) {
        try {
            await().during(window).atMost(window.plus(scaled(PROMPTLY))).pollInterval(Duration.ofMillis(10))
                    .until(() -> snapshot(parent).equals(before));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(situation + ", the server's directory (received/) and its parent did not stay as "
                    + "they were:\n" + changesSince(before) + "\na broken connection leaves nothing: delete the "
                    + "partial file when a read fails or returns the end of the stream (U10)", e);
        }
    }

    String changesSince(Map<String, String> before) {
        try {
            return describeChanges(before, snapshot(parent));
        } catch (IOException unreadable) {
            return "(the directory could not be read: " + unreadable + ")";
        }
    }

    String describeChanges(Map<String, String> before, Map<String, String> after) throws IOException {
        List<String> changes = new ArrayList<>();
        for (Map.Entry<String, String> entry : after.entrySet()) {
            if (!entry.getValue().equals(before.get(entry.getKey()))) {
                String what = LeftFiles.entry(parent.resolve(entry.getKey()))
                        .map(left -> left.kind() == LeftFiles.Kind.FILE ? left.size() + " bytes"
                                : left.kind().description())
                        .orElse("gone since");
                changes.add((before.containsKey(entry.getKey()) ? "changed " : "left ") + entry.getKey()
                        + " (" + what + ")");
            }
        }
        before.keySet().stream().filter(name -> !after.containsKey(name))
                .forEach(name -> changes.add("removed " + name));
        return String.join(", ", changes);
    }

    static String describeListing(Path directory) throws IOException {
        List<String> entries = new ArrayList<>();
        for (LeftFiles.Entry entry : LeftFiles.list(directory)) {
            entries.add("'" + PrintableText.of(entry.name()) + "'"
                    + (entry.kind() == LeftFiles.Kind.FILE ? " (" + entry.size() + " bytes)"
                    : entry.kind() == LeftFiles.Kind.DIRECTORY ? "" : " (" + entry.kind().description() + ")"));
        }
        return entries.isEmpty() ? "nothing" : String.join(", ", entries);
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
        return LeftFiles.names(directory);
    }

    /** The names in a directory that do not start with a dot: what other clients may see. */
    protected static List<String> visibleNames(Path directory) throws IOException {
        return listing(directory).stream().filter(name -> !name.startsWith(".")).toList();
    }

    /** Every file and directory under {@code root}, with each file's SHA-256: what "nothing written" compares. */
    protected static Map<String, String> snapshot(Path root) throws IOException {
        return LeftFiles.snapshot(root); // a file deleted while it is taken is not in it (U10's race)
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** A reply for a message: in quotes, control characters as \\uXXXX. */
    static String quoted(String reply) {
        return "\"" + PrintableText.of(reply) + "\"";
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
