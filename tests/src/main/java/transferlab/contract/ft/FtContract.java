package transferlab.contract.ft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static transferlab.testkit.SuiteTimeouts.scaled;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import transferlab.contract.Timeline;
import transferlab.testkit.Requirement;
import transferlab.testkit.ServerUnderTest;
import transferlab.testkit.TcpProxy;
import transferlab.testkit.RawFtClient;
import transferlab.testkit.RawFtClient.Exchange;
import transferlab.testkit.TestFiles;

/**
 * The contract of protocol F, the two-connection LIST/GET of seed 003 (resources/protocols/ft.md),
 * for any server: ours, or a student's started from a command.
 *
 * <p>A subclass says how to start the server on a directory ({@link #startServer}) and with which
 * idle timeout ({@link #serverIdleTimeout}). Each test gets its own directory of known files and
 * its own server, started fresh, and talks to it mostly through the kit's {@link RawFtClient}
 * ({@link #exchange}), which writes the command bytes itself, listens on its own data port and
 * records exactly what came back. Every test cites the requirement it checks. No test depends on
 * another or on their order; a test that sends a bad client checks itself that the next is served.
 *
 * <p>In each test's served directory: {@code Zeta.txt}, {@code alpha.txt}, {@code beta.txt},
 * {@code client-00.bin} … {@code client-15.bin} (32 KiB each), {@code empty.txt},
 * {@code random.bin} (1 MiB), {@code two words.txt} and a directory {@code subdir} holding
 * {@code inner.txt}.
 */
public abstract class FtContract {
    /**
     * An upper bound for one step of a failing server, never a pause: passing tests take milliseconds.
     * Scaled by {@link transferlab.testkit.SuiteTimeouts} where it is used.
     */
    protected static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CLIENTS = 16;
    private static final int CLIENT_FILE_BYTES = 32 * 1024;
    private static final int RANDOM_FILE_BYTES = 1 << 20;
    private static final int STALLED_FILE_BYTES = 16 << 20;
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Starts the server under test, serving the files of {@code servedDirectory}. */
    protected abstract ServerUnderTest startServer(Path servedDirectory) throws Exception;

    /**
     * The idle timeout the server was started with: a silent client must be gone by then (plus a scaled {@link #WAIT}).
     */
    protected abstract Duration serverIdleTimeout();

    /** The files the server serves, by name, in byte order of their names. */
    private final Map<String, byte[]> files = new TreeMap<>();
    private Path served;
    private Path outside;
    private ServerUnderTest server;
    private ExecutorService clients;

    /** The test's own notes, for the grader's timeline of a failure ({@link Timeline}). */
    protected Timeline timeline;

    @BeforeEach
    void openTimeline(TestReporter reporter) {
        timeline = new Timeline(reporter);
    }

    @BeforeEach
    void startServerOnKnownFiles(@TempDir Path temporary) throws Exception {
        served = Files.createDirectory(temporary.resolve("served"));
        outside = Files.createDirectory(temporary.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "not for clients\n");
        addFile("alpha.txt", "alpha\n".getBytes(StandardCharsets.UTF_8));
        addFile("beta.txt", "beta, the second file\n".getBytes(StandardCharsets.UTF_8));
        addFile("Zeta.txt", "upper case sorts before lower case in byte order\n".getBytes(StandardCharsets.UTF_8));
        addFile("empty.txt", new byte[0]);
        addFile("two words.txt", "a name with a space\n".getBytes(StandardCharsets.UTF_8));
        addFile("random.bin", TestFiles.randomBytes(RANDOM_FILE_BYTES, 3));
        for (int i = 0; i < CLIENTS; i++) {
            addFile(clientFile(i), TestFiles.randomBytes(CLIENT_FILE_BYTES, 100 + i));
        }
        Files.createDirectory(served.resolve("subdir"));
        Files.writeString(served.resolve("subdir").resolve("inner.txt"), "one level down\n");
        clients = Executors.newFixedThreadPool(CLIENTS,
                task -> new Thread(task, "ft-client-" + THREADS.incrementAndGet()));
        server = startServer(served);
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
        if (clients != null) {
            clients.shutdownNow();
        }
    }

    // ---- core: what seed 003 and the wire format of resources/protocols/ft.md demand ----

    @Test
    @Requirement({"F1", "F2", "F3", "F5"})
    void listSendsTheSortedNamesOfTheRegularFilesOnePerLine() throws Exception {
        Exchange exchange = exchange("LIST {port}\n");

        String expected = String.join("", files.keySet().stream().map(name -> name + "\n").toList());
        byte[] expectedBytes = expected.getBytes(StandardCharsets.UTF_8);
        assertThat(exchange.reply()).isEqualTo("OK " + expectedBytes.length);
        assertThat(new String(exchange.data(), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(exchange.data()).isEqualTo(expectedBytes);
        assertThat(exchange.controlClosedAfterwards()).as("control connection closed after the transfer").isTrue();
    }

    @Test
    @Requirement({"F1", "F2", "F3", "F6"})
    void getSendsExactlyTheBytesOfTheFile() throws Exception {
        Exchange exchange = exchange("GET random.bin {port}\n");

        assertThat(exchange.reply()).isEqualTo("OK " + RANDOM_FILE_BYTES);
        assertThat(exchange.data()).hasSize(RANDOM_FILE_BYTES);
        assertThat(TestFiles.sha256(exchange.data())).isEqualTo(TestFiles.sha256(files.get("random.bin")));
        assertThat(exchange.controlClosedAfterwards()).as("control connection closed after the transfer").isTrue();
    }

    @Test
    @Requirement({"F3", "F6"})
    void getOfAnEmptyFileAnnouncesZeroAndClosesTheDataConnection() throws Exception {
        Exchange exchange = exchange("GET empty.txt {port}\n");

        assertThat(exchange.reply()).isEqualTo("OK 0");
        assertThat(exchange.data()).isEmpty();
    }

    @Test
    @Requirement("F4")
    void theDataConnectionGoesToTheControlConnectionsPeerAddress() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        Exchange exchange = exchange(loopback, loopback, server.address(), "GET alpha.txt {port}\n");

        assertThat(exchange.reply()).isEqualTo("OK 6");
        assertThat(exchange.dataConnectedTo()).as("address the server connected to").isEqualTo(loopback);
        assertThat(exchange.dataCameFrom()).as("address the data connection came from")
                .isEqualTo(server.address().getAddress());
    }

    @Test
    @Requirement("F4")
    void theDataConnectionFollowsTheControlPeerToAnotherLoopbackAddress() throws Exception {
        // All of 127.0.0.0/8 is loopback on Linux: a control connection from 127.0.0.2 must be
        // answered at 127.0.0.2, not at a fixed "localhost".
        InetAddress second = InetAddress.getByName("127.0.0.2");
        assumeTrue(RawFtClient.canBind(second),
                "127.0.0.2 is not a usable loopback address on this system (it is on Linux)");

        Exchange exchange = exchange(second, second, server.address(), "GET alpha.txt {port}\n");

        assertThat(exchange.reply()).isEqualTo("OK 6");
        assertThat(exchange.dataConnectedTo()).as("address the server connected to").isEqualTo(second);
        assertThat(exchange.data()).isEqualTo(files.get("alpha.txt"));
    }

    @Test
    @Requirement({"F7", "F2"})
    void getOfAMissingFileIsAnErrorAndNoDataConnection() throws Exception {
        Exchange exchange = exchange("GET no-such-file.txt {port}\n");

        assertRefused(exchange);
    }

    @Test
    @Requirement("F7")
    void getOfADirectoryIsAnErrorAndNoDataConnection() throws Exception {
        assertRefused(exchange("GET subdir {port}\n"));
    }

    @ParameterizedTest(name = "LIST or GET with data port \"{0}\"")
    @ValueSource(strings = {"0", "65536", "99999", "-1", "+80", "abc", "1.5", ""})
    @Requirement("F9")
    void aBadDataPortIsAnError(String port) throws Exception {
        assertRefused(exchange("LIST " + port + "\n"));
        assertRefused(exchange("GET alpha.txt " + port + "\n"));
    }

    @ParameterizedTest(name = "command \"{0}\"")
    @ValueSource(strings = {"HELLO {port}", "PUT alpha.txt {port}", "GET {port}", "LIST", "GET", "",
            "\u0000\u0001\u0002 {port}"})
    @Requirement("F10")
    void anUnknownOrMalformedCommandIsAnError(String command) throws Exception {
        assertRefused(exchange(command + "\n"));
    }

    @Test
    @Requirement("F16")
    void sixteenClientsAtOnceAllGetTheirFilesIntact() throws Exception {
        List<Future<Exchange>> exchanges = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            String command = "GET " + clientFile(i) + " {port}\n";
            exchanges.add(clients.submit(() -> exchange(command)));
        }
        for (int i = 0; i < CLIENTS; i++) {
            Exchange exchange = exchanges.get(i)
                    .get(scaled(WAIT).multipliedBy(CLIENTS).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(exchange.reply()).as("client %d", i).isEqualTo("OK " + CLIENT_FILE_BYTES);
            assertThat(TestFiles.sha256(exchange.data())).as("sha256 of %s", clientFile(i))
                    .isEqualTo(TestFiles.sha256(files.get(clientFile(i))));
        }
    }

    @Test
    @Requirement("F1")
    void aCommandLineSplitIntoOneBytePiecesIsReadWhole() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(server.address(),
                TcpProxy.Faults.none().splitInto(1, Duration.ofMillis(2)))) {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            Exchange exchange = exchange(null, loopback, proxy.address(), "GET beta.txt {port}\n");

            assertThat(exchange.reply()).isEqualTo("OK " + files.get("beta.txt").length);
            assertThat(exchange.data()).isEqualTo(files.get("beta.txt"));
        }
    }

    /** The seed client's session: a LIST, then a GET of a name it listed, each on a fresh connection. */
    @Test
    @Requirement({"F5", "F6"})
    void aListThenAGetOfAListedNameIsServed() throws Exception {
        Exchange list = exchange("LIST {port}\n");
        List<String> names = new String(list.data(), StandardCharsets.UTF_8).lines().toList();
        assertThat(names).containsExactlyElementsOf(files.keySet());

        Exchange get = exchange("GET " + names.get(names.indexOf("random.bin")) + " {port}\n");

        assertThat(get.reply()).isEqualTo("OK " + files.get("random.bin").length);
        assertThat(TestFiles.sha256(get.data())).isEqualTo(TestFiles.sha256(files.get("random.bin")));
    }

    // ---- extensions: what Transfer Lab adds to seed 003 ----

    @ParameterizedTest(name = "GET \"{0}\"")
    @ValueSource(strings = {"../alpha.txt", "/etc/passwd", "a/b", "subdir/inner.txt", "..\\alpha.txt", ".", "..",
            "../outside/secret.txt"})
    @Requirement("F8")
    void aNameThatIsNotAPlainFileNameIsAnError(String name) throws Exception {
        assertRefused(exchange("GET " + name + " {port}\n"));
        assertThat(exchange("GET alpha.txt {port}\n").data()).as("the next client is served")
                .isEqualTo(files.get("alpha.txt"));
    }

    @Test
    @Requirement("F8")
    void anEmptyNameIsAnError() throws Exception {
        assertRefused(exchange("GET  {port}\n"));
    }

    @Test
    @Requirement("F8")
    void aHiddenFileIsNeitherListedNorServed() throws Exception {
        Files.writeString(served.resolve(".hidden"), "hidden\n");

        assertRefused(exchange("GET .hidden {port}\n"));
        assertThat(new String(exchange("LIST {port}\n").data(), StandardCharsets.UTF_8)).doesNotContain(".hidden");
    }

    @Test
    @Requirement("F8")
    void aSymbolicLinkOutOfTheDirectoryIsNeitherListedNorServed() throws Exception {
        Path link = served.resolve("escape.txt");
        try {
            Files.createSymbolicLink(link, outside.resolve("secret.txt"));
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "this file system cannot make symbolic links: " + e);
        }

        assertRefused(exchange("GET escape.txt {port}\n"));
        assertThat(new String(exchange("LIST {port}\n").data(), StandardCharsets.UTF_8)).doesNotContain("escape.txt");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "GET missing.txt {port}  | no-such-file  | missing.txt",
        "GET subdir {port}       | not-a-file    | subdir",
        "GET ../alpha.txt {port} | bad-name      | ../alpha.txt",
        "LIST 70000              | bad-port      | 70000",
        "FETCH alpha.txt {port}  | bad-command   | FETCH",
    })
    @Requirement("F11")
    void anErrorLineHasAStableCodeAndNamesTheBadValue(String command, String code, String badValue) throws Exception {
        Exchange exchange = exchange(command + "\n");

        assertThat(exchange.reply()).startsWith("ERROR " + code + ": ").contains(badValue);
    }

    @Test
    @Requirement("F12")
    void aLineLongerThanTheLimitIsAnError() throws Exception {
        assertRefused(exchange("GET " + "x".repeat(4096) + " {port}\n"));
    }

    @Test
    @Requirement("F13")
    void aSilentClientIsDroppedAfterTheIdleTimeoutAndTheNextClientIsServed() throws Exception {
        try (Socket silent = new Socket()) {
            silent.connect(server.address(), (int) scaled(WAIT).toMillis());
            Future<Exchange> next = clients.submit(() -> exchange("GET alpha.txt {port}\n"));

            Duration limit = serverIdleTimeout().plus(scaled(WAIT));
            silent.setSoTimeout((int) limit.toMillis());
            byte[] answer = RawFtClient.readToEnd(silent.getInputStream());
            String text = new String(answer, StandardCharsets.UTF_8);
            assertThat(text).as("what a silent client gets before the close").matches("(ERROR [^\n]*\n)?");

            await().atMost(limit).until(next::isDone);
            assertThat(next.get().data()).isEqualTo(files.get("alpha.txt"));
        }
    }

    @Test
    @Requirement("F13")
    void aClientThatStopsReadingTheDataIsDroppedAndTheNextClientIsServed() throws Exception {
        // Larger than what the socket buffers of both ends can hold (Linux: at most 4 MiB to send),
        // so that a server that is not bounded by an idle timeout on its writes would hang here.
        int size = STALLED_FILE_BYTES;
        Path stalled = served.resolve("stalled.bin");
        Files.write(stalled, new byte[size]);
        try (ServerSocketChannel dataListener = ServerSocketChannel.open(); Socket control = new Socket()) {
            dataListener.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // the accepted socket inherits it
            dataListener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            dataListener.socket().setSoTimeout((int) scaled(WAIT).toMillis());
            control.connect(server.address(), (int) scaled(WAIT).toMillis());
            control.setSoTimeout((int) scaled(WAIT).toMillis());
            control.getOutputStream().write(("GET stalled.bin " + dataListener.socket().getLocalPort() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(RawFtClient.readLine(control.getInputStream())).isEqualTo("OK " + size);

            try (Socket data = RawFtClient.acceptData(dataListener, control, "OK " + size)) {
                // We read nothing from the data connection while the next client asks.
                Future<Exchange> next = clients.submit(() -> exchange("GET alpha.txt {port}\n"));
                await().atMost(serverIdleTimeout().plus(scaled(WAIT))).until(next::isDone);
                assertThat(next.get().data()).isEqualTo(files.get("alpha.txt"));

                data.setSoTimeout((int) scaled(WAIT).toMillis());
                assertThat(RawFtClient.readToEnd(data.getInputStream()).length)
                        .as("bytes before the server gave up")
                        .isLessThan(size);
            }
        } finally {
            Files.delete(stalled);
        }
    }

    @Test
    @Requirement("F15")
    void aCarriageReturnBeforeTheNewlineIsTolerated() throws Exception {
        Exchange exchange = exchange("GET alpha.txt {port}\r\n");

        assertThat(exchange.reply()).isEqualTo("OK 6");
        assertThat(exchange.data()).isEqualTo(files.get("alpha.txt"));
    }

    @Test
    @Requirement("F15")
    void aNameWithASpaceIsServed() throws Exception {
        Exchange exchange = exchange("GET two words.txt {port}\n");

        assertThat(exchange.reply()).isEqualTo("OK " + files.get("two words.txt").length);
        assertThat(exchange.data()).isEqualTo(files.get("two words.txt"));
    }

    @Test
    @Requirement("F10")
    void aLineThatIsNotUtf8IsAnError() throws Exception {
        byte[] notUtf8 = {'G', 'E', 'T', ' ', (byte) 0xff, (byte) 0xfe, '.', 't', 'x', 't', ' '};
        assertRefused(exchange(null, InetAddress.getByName("127.0.0.1"), server.address(),
                port -> concat(notUtf8, (port + "\n").getBytes(StandardCharsets.US_ASCII)), false));
    }

    @Test
    @Requirement("F10")
    void aClientThatEndsItsSideBeforeTheNewlineGetsAnError() throws Exception {
        assertRefused(exchange(null, InetAddress.getByName("127.0.0.1"), server.address(),
                port -> ("GET alpha.txt " + port).getBytes(StandardCharsets.US_ASCII), true));
    }

    // ---- the raw client ----

    /** Sends {@code command} ({@code {port}} replaced by our data port) from 127.0.0.1 to the server. */
    protected Exchange exchange(String command) throws IOException {
        return rawClient().exchange(server.address(), command);
    }

    /**
     * {@link RawFtClient#exchange(InetAddress, InetAddress, InetSocketAddress, String)} with this test's waits.
     */
    protected Exchange exchange(InetAddress controlFrom, InetAddress listenOn, InetSocketAddress target, String command)
            throws IOException {
        return rawClient().exchange(controlFrom, listenOn, target, command);
    }

    /**
     * {@link RawFtClient#exchange(InetAddress, InetAddress, InetSocketAddress, IntFunction, boolean)} with this
     * test's waits.
     */
    protected Exchange exchange(InetAddress controlFrom, InetAddress listenOn, InetSocketAddress target,
                                IntFunction<byte[]> command, boolean halfClose) throws IOException {
        return rawClient().exchange(controlFrom, listenOn, target, command, halfClose);
    }

    /** A raw client that waits long enough for the server to drop an earlier, silent client first. */
    private RawFtClient rawClient() {
        return new RawFtClient(serverIdleTimeout().plus(scaled(WAIT)), timeline::note);
    }

    /** An ERROR line, the control connection closed, and no data connection. */
    private static void assertRefused(Exchange exchange) {
        assertThat(exchange.reply()).startsWith("ERROR ");
        assertThat(exchange.dataConnectionAfterError()).as("a data connection arrived after '%s'", exchange.reply())
                .isFalse();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private void addFile(String name, byte[] content) throws IOException {
        Files.write(served.resolve(name), content);
        files.put(name, content);
    }

    private static String clientFile(int i) {
        return String.format("client-%02d.bin", i);
    }
}
