package transferlab.grading.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import transferlab.testkit.Requirement;
import transferlab.testkit.ScriptedFtServer;
import transferlab.testkit.ServerUnderTest;
import transferlab.testkit.SuiteTimeouts;
import transferlab.testkit.TcpProxy;
import transferlab.testkit.TrustedFtServer;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.ClientCommand;

/**
 * Grades a protocol F client ({@code ./transfer check ft --client-cmd "python3 ftclient.py {host}
 * {port} {request} {dataport}"}) against the grader's own server ({@link TrustedFtServer}: in a student
 * tree stage 1's server is an exercise), on the client requirements F20-F25 of resources/protocols/ft.md (F23 against a
 * {@link ScriptedFtServer} that cuts the data connection mid-file):
 * what it prints, the files it leaves, its exit status, alone and eight at once, with the control
 * connection slowed down or split into 1-byte pieces by {@link TcpProxy}, and with a stranger
 * connecting to its data port first.
 */
public final class FtClientCheck extends FtClientScenarios {
    static final int CLIENTS_AT_ONCE = 8;
    /** The answer line arrives this late: our server connects to the data port long before the client reads "OK". */
    static final Duration LATE_ANSWER = Duration.ofMillis(300);
    /** Between 1-byte pieces: long enough that a client blocked in one recv() wakes with a piece, not the line. */
    static final Duration PIECE_DELAY = Duration.ofMillis(10);

    ServerUnderTest server;
    TcpProxy proxy;

    public FtClientCheck(CheckTarget target) {
        super(target);
    }

    @BeforeEach
    void startOurServer() throws IOException {
        serve("textfile-small", 200, true);
        serve("textfile-large", 300_000, true);
        serve("binary-1MiB.bin", 1 << 20, false);
        serve("empty.txt", 0, false);
        Files.createDirectory(served.resolve("a-directory"));
        ours = TrustedFtServer.serving(served);
        server = target.throughNetworkBehindWire(ours);
        wireTarget = server.address();
        wire = target.recordingProxyTo(wireTarget); // the client's port: --client-port
    }

    @AfterEach
    void stopOurServer() {
        wire.close();
        if (proxy != null) {
            proxy.close();
        }
        server.close();
    }

    @Test
    @Requirement("F21")
    void theListingPrintsTheNamesOfTheServedFiles() throws Exception {
        ClientCommand.Run run = run(server.address(), list(), clientDirectory());

        assertListed(run, List.of("binary-1MiB.bin", "empty.txt", "textfile-large", "textfile-small"));
    }

    @Test
    @Requirement({"F21", "F25"})
    void getLeavesAByteIdenticalFileTextBinaryAndEmptyAndExitsZero() throws Exception {
        for (String name : List.of("textfile-large", "binary-1MiB.bin", "empty.txt")) {
            Path directory = clientDirectory();
            ClientCommand.Run run = run(server.address(), get(name), directory);

            assertFetched(run, name, directory);
            assertThat(run.exitStatus()).as("exit status of -g %s, a success%s", name, run.said()).isZero();
        }
    }

    @Test
    @Requirement("F20")
    void eightClientsAtOnceEachGetTheirFile() throws Exception {
        List<List<String>> requests = new ArrayList<>();
        List<Path> directories = new ArrayList<>();
        for (int i = 0; i < CLIENTS_AT_ONCE; i++) {
            serve("file-" + i + ".bin", 50_000 + i, false);
            requests.add(get("file-" + i + ".bin"));
            directories.add(clientDirectory());
        }
        List<ClientCommand.Run> runs = runAtOnce(server.address(), requests, directories);

        for (int i = 0; i < CLIENTS_AT_ONCE; i++) {
            assertFetched(runs.get(i), "file-" + i + ".bin", directories.get(i));
        }
    }

    /** F20: the server connects right after "OK", possibly before the client has read it. */
    @Test
    @Requirement("F20")
    void theClientListensBeforeItSendsTheCommand() throws Exception {
        assertFetchedThrough(TcpProxy.Faults.none().splitInto(1 << 16, LATE_ANSWER), "textfile-small");
    }

    /** The answer line "OK n" may come in pieces: the client reads up to its newline. */
    @Test
    @Requirement("F21")
    void anAnswerSplitIntoOneBytePiecesIsReadWhole() throws Exception {
        assertFetchedThrough(TcpProxy.Faults.none().splitInto(1, PIECE_DELAY), "textfile-large");
    }

    private void assertFetchedThrough(TcpProxy.Faults faults, String name) throws Exception {
        InetSocketAddress faulty = behindTheWire(faults);
        Path directory = clientDirectory();

        assertFetched(run(faulty, get(name), directory), name, directory);
    }

    /**
     * Puts a proxy with {@code faults} between the recording proxy and our server, and returns its
     * address (runs against it go through the wire, {@link #runAtOnce}): a client whose port is fixed
     * ({@code --client-port}) reaches the recording proxy whatever it is told, and meets the faults too.
     */
    private InetSocketAddress behindTheWire(TcpProxy.Faults faults) throws IOException {
        proxy = TcpProxy.startOn(target.ports().forOurListener(), server.address(), faults, Integer.MAX_VALUE);
        wire.close();
        wireTarget = proxy.address();
        wire = target.recordingProxyTo(wireTarget);
        return wireTarget;
    }

    /**
     * While the command is on its way (the proxy delays it), a stranger connects to the client's
     * data port from 127.0.0.2 and sends other bytes; the client must close that connection unread
     * and take the data from the server's address only.
     */
    @Test
    @Requirement("F24")
    void aConnectionToTheDataPortFromAnotherAddressIsNotTakenForTheData() throws Exception {
        behindTheWire(TcpProxy.Faults.none().splitInto(1 << 16, LATE_ANSWER));
        Path directory = clientDirectory();
        ClientCommand.Invocation invocation = invocation(wire.address(), get("textfile-small"), directory);
        int dataPort = Integer.parseInt(invocation.placeholders().get("dataport").get(0));
        CompletableFuture<ClientCommand.Run> running = CompletableFuture.supplyAsync(() -> {
            try {
                return ClientCommand.runOne(clientTemplate(), invocation, target.logDirectory(), target.sandbox());
            } catch (IOException | InterruptedException e) {
                throw new CompletionException(e);
            }
        });
        // Polls until the client listens; bounded by the client's own run time.
        await().atMost(SuiteTimeouts.scaled(ClientCommand.RUN_TIMEOUT)).pollInterval(Duration.ofMillis(5))
                .until(() -> running.isDone() || strangerSentTo(dataPort));

        ClientCommand.Run run = running.get();

        assertFetched(run, "textfile-small", directory);
    }

    /** One connection from 127.0.0.2 that sends bytes which are not the file; false while nobody listens. */
    private static boolean strangerSentTo(int dataPort) {
        try (Socket stranger = new Socket()) {
            stranger.bind(new InetSocketAddress("127.0.0.2", 0));
            stranger.connect(new InetSocketAddress("127.0.0.1", dataPort), 1000);
            stranger.getOutputStream().write("these bytes come from a stranger, not from the server\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return true;
        } catch (IOException notListeningYet) {
            return false;
        }
    }

    /**
     * F23: a scripted server (not our reference, which never does this) answers "OK 100000", sends
     * 40000 bytes and cuts the data connection: the client must keep nothing, not even a temporary file.
     */
    @Test
    @Requirement("F23")
    void aDataConnectionCutMidFileLeavesNothingHalfWritten() throws Exception {
        Path directory = clientDirectory();
        ScriptedFtServer cutting = ScriptedFtServer.start(SuiteTimeouts.scaled(ClientCommand.RUN_TIMEOUT),
                (command, control, data) -> {
                    control.write("OK 100000\n".getBytes(StandardCharsets.US_ASCII));
                    data.write(new byte[40_000]); // then the data connection closes: 60000 bytes never come
                });
        ClientCommand.Run run;
        try {
            run = run(new InetSocketAddress("127.0.0.1", cutting.port()), get("textfile-large"), directory);
        } finally {
            closeQuietly(cutting);
        }

        assertFinished(run, "-g textfile-large");
        assumeTrue(cutting.played(), "the client took no data connection (F20 judges that), so none could be cut");
        assertThat(directory).as("the client's directory after the data connection was cut at 40000 of the "
                + "100000 bytes announced (exit status %d)%s", run.exitStatus(), run.said()).isEmptyDirectory();
    }

    /** A client that never connected or took the data leaves the scripted server failed: that is F20's verdict. */
    private static void closeQuietly(ScriptedFtServer server) {
        try {
            server.close();
        } catch (IOException | AssertionError notThisRequirement) {
            // judged by the tests of the requirement it breaks
        }
    }

    @Test
    @Requirement("F22")
    void aLocalFileOfTheSameNameIsNeverOverwritten() throws Exception {
        assertLocalFileKept(server.address());
    }

    @Test
    @Requirement("F25")
    void aMissingFileExitsOneWithAMessageAndLeavesNoFile() throws Exception {
        ClientCommand.Run run = assertMissingFileLeavesNothing(server.address());

        assertThat(run.exitStatus()).as("exit status of -g for a file the server does not have%s", run.said())
                .isEqualTo(1);
    }
}
