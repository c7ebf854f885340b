package transferlab.ft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import transferlab.cli.CommandRunner;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;
import transferlab.testkit.RawFtClient;
import transferlab.testkit.ScriptedFtServer;

/**
 * Our ftclient (protocol F's client side, resources/protocols/ft.md F20-F25): against the reference
 * server for the normal cases, and against a tiny scripted server (testkit's ScriptedFtServer) for the faults the real
 * server never makes (too few or too many bytes, a file that appears meanwhile, a stranger on the
 * data port). The fake connects to the data port before it answers OK, so every fake test also
 * shows that the client listens before it sends its command (F20).
 */
class FtClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path served;
    @TempDir
    Path downloads;

    private final List<String> serverEvents = new CopyOnWriteArrayList<>();
    private IterativeServer server;
    private byte[] content;

    @BeforeEach
    void startReferenceServer() throws IOException {
        content = new byte[200_000];
        new Random(20).nextBytes(content);
        Files.write(served.resolve("data.bin"), content);
        Files.writeString(served.resolve("notes.txt"), "notes\n");
        ServerLog log = new ServerLog(serverEvents::add);
        FtHandler handler = FtHandler.serving(served, FtLimits.defaults(), log);
        server = IterativeServer.bind(new InetSocketAddress("127.0.0.1", 0), handler, log);
        server.serveInBackground("ftclient-test-server");
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    /** F20, F25: GET stores the file, exit 0. */
    @Test
    void getStoresTheFileAndExitsZero() throws IOException {
        int status = ftclient("-g", "data.bin", "0");

        assertThat(status).isEqualTo(CommandRunner.OK);
        assertThat(Files.readAllBytes(downloads.resolve("data.bin"))).isEqualTo(content);
        assertThat(filesIn(downloads)).containsExactly("data.bin");
    }

    /** F21, F25: seed 003's messages, the names, exit 0. */
    @Test
    void listExitsZeroAndReturnsTheNames() throws IOException {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        FtClient client = new FtClient(TIMEOUT, new PrintStream(printed, true, StandardCharsets.UTF_8));

        List<String> names = client.list("127.0.0.1", server.address().getPort(), 0);

        assertThat(names).containsExactly("data.bin", "notes.txt");
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("Connected to 127.0.0.1 on port " + server.address().getPort() + "...");
        assertThat(lines.get(1)).matches("Data transfer initiated on \\('127\\.0\\.0\\.1', \\d+\\)\\.\\.\\.");
        assertThat(lines.subList(2, 4)).containsExactly("data.bin", "notes.txt");
        assertThat(ftclient("-l", "0")).isEqualTo(CommandRunner.OK);
    }

    /** F22: checked before the request. */
    @Test
    void anExistingLocalFileIsNeverOverwrittenAndTheServerIsNotEvenAsked() throws IOException {
        Files.writeString(downloads.resolve("data.bin"), "my own data.bin\n");

        int status = ftclient("-g", "data.bin", "0");

        assertThat(status).isEqualTo(CommandRunner.FAILED);
        assertThat(Files.readString(downloads.resolve("data.bin"))).isEqualTo("my own data.bin\n");
        assertThat(filesIn(downloads)).containsExactly("data.bin");
        assertThat(serverEvents).as("the client checks before it sends GET").noneMatch(line -> line.contains("GET"));
    }

    /** F22: checked again, atomically, when the file is moved into place. */
    @Test
    void aFileThatAppearsDuringTheTransferIsKeptAndTheDownloadDiscarded() throws Exception {
        Path target = downloads.resolve("late.txt");
        try (ScriptedFtServer fake = ScriptedFtServer.start(TIMEOUT, (command, control, data) -> {
            Files.writeString(target, "appeared meanwhile\n"); // somebody else creates the file
            control.write("OK 5\n".getBytes(StandardCharsets.US_ASCII));
            data.write("fresh".getBytes(StandardCharsets.US_ASCII));
        })) {
            FtClient client = new FtClient(TIMEOUT, quiet());

            assertThatThrownBy(() -> client.get("127.0.0.1", fake.port(), "late.txt", 0, downloads))
                    .isInstanceOf(FtFailedException.class).hasMessageContaining("appeared during the transfer");
            assertThat(fake.command()).matches("GET late\\.txt \\d+\n");
        }
        assertThat(Files.readString(target)).isEqualTo("appeared meanwhile\n");
        assertThat(filesIn(downloads)).containsExactly("late.txt");
    }

    /** F23, F25: fewer bytes than announced. */
    @Test
    void aDataConnectionCutShortLeavesNothingAndExitsOne() throws Exception {
        try (ScriptedFtServer fake = ScriptedFtServer.start(TIMEOUT, (command, control, data) -> {
            control.write("OK 1000\n".getBytes(StandardCharsets.US_ASCII));
            data.write(new byte[400]); // then the connection closes: 600 bytes never come
        })) {
            int status = CommandRunner.run(new FtClientCommand(), "127.0.0.1", String.valueOf(fake.port()),
                    "-g", "cut.bin", "0", "--dir", downloads.toString(), "--timeout", "10");

            assertThat(status).isEqualTo(CommandRunner.FAILED);
        }
        assertThat(filesIn(downloads)).as("no file and no temporary file").isEmpty();
    }

    /** F23: more bytes than announced. */
    @Test
    void moreBytesThanAnnouncedLeavesNothing() throws Exception {
        try (ScriptedFtServer fake = ScriptedFtServer.start(TIMEOUT, (command, control, data) -> {
            control.write("OK 10\n".getBytes(StandardCharsets.US_ASCII));
            data.write(new byte[20]);
        })) {
            FtClient client = new FtClient(TIMEOUT, quiet());

            assertThatThrownBy(() -> client.get("127.0.0.1", fake.port(), "long.bin", 0, downloads))
                    .isInstanceOf(FtFailedException.class).hasMessageContaining("more than the 10 bytes");
        }
        assertThat(filesIn(downloads)).isEmpty();
    }

    /** F24: a stranger on the data port is hung up on. */
    @Test
    void aDataConnectionFromAnotherAddressThanTheServersIsIgnored() throws Exception {
        InetAddress stranger = InetAddress.getByName("127.0.0.2");
        assumeTrue(RawFtClient.canBind(stranger),
                "127.0.0.2 is not a usable loopback address on this system (it is on Linux)");
        ScriptedFtServer fake = ScriptedFtServer.start(TIMEOUT, (command, control, data) -> {
            control.write("OK 5\n".getBytes(StandardCharsets.US_ASCII));
            data.write("right".getBytes(StandardCharsets.US_ASCII));
        }, stranger);
        try (fake) {
            FtClient client = new FtClient(TIMEOUT, quiet());

            Path stored = client.get("127.0.0.1", fake.port(), "who.txt", 0, downloads);

            assertThat(Files.readString(stored)).isEqualTo("right");
        } // closing joins the fake's thread, which recorded what the client did to the stranger
        assertThat(fake.strangerWasClosed()).as("the stranger's connection was closed unread").isTrue();
    }

    /** F25: the server's ERROR is a failed transfer. */
    @Test
    void anErrorFromTheServerExitsOneAndLeavesNothing() throws IOException {
        assertThat(ftclient("-g", "missing.txt", "0")).isEqualTo(CommandRunner.FAILED);
        assertThat(filesIn(downloads)).isEmpty();
    }

    /** F25: nobody listening is a failed transfer. */
    @Test
    void aServerThatIsNotThereExitsOne() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        int status = CommandRunner.run(new FtClientCommand(), "127.0.0.1", String.valueOf(closedPort), "-l", "0");

        assertThat(status).isEqualTo(CommandRunner.FAILED);
    }

    /** F25: usage errors exit 2 before anything is sent. */
    @ParameterizedTest(name = "ftclient 127.0.0.1 PORT {0}")
    @ValueSource(strings = {"", "-l", "-g data.bin", "-l 0 -g data.bin 0", "-l 70000", "-l abc", "-l 0 1",
            "-g ../data.bin 0", "-g .hidden 0", "-g data.bin", "-x 0"})
    void aUsageErrorExitsTwoAndFetchesNothing(String arguments) throws IOException {
        String[] split = arguments.isEmpty() ? new String[0] : arguments.split(" ");
        assertThat(ftclient(split)).isEqualTo(CommandRunner.USAGE);
        assertThat(filesIn(downloads)).isEmpty();
        assertThat(serverEvents).isEmpty();
    }

    /** F25. */
    @Test
    void serverPortZeroIsAUsageError() {
        assertThat(CommandRunner.run(new FtClientCommand(), "127.0.0.1", "0", "-l", "0"))
                .isEqualTo(CommandRunner.USAGE);
    }

    /** Runs {@code ftclient 127.0.0.1 <server port> ARGS --dir <downloads>} and returns its exit status. */
    private int ftclient(String... arguments) {
        String[] all = Stream.concat(
                Stream.of("127.0.0.1", String.valueOf(server.address().getPort())),
                Stream.concat(Stream.of(arguments), Stream.of("--dir", downloads.toString(), "--timeout", "10")))
                .toArray(String[]::new);
        return CommandRunner.run(new FtClientCommand(), all);
    }

    private static List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
