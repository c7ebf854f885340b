package transferlab.grading.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.LeftFiles;
import transferlab.testkit.TestFiles;
import transferlab.testkit.TrustedRangedServer;
import transferlab.testkit.Requirement;
import transferlab.testkit.ServerUnderTest;
import transferlab.testkit.TcpProxy;
import transferlab.grading.CheckRunExtension;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.ClientCommand;

/**
 * Grades a protocol R client ({@code ./transfer check ranged --client-cmd "python3 client.py
 * {address} {threads} {file} {ofile}"}, seed 000's command line) against the grader's own
 * server ({@link TrustedRangedServer}: in a student tree stage 3's server is an exercise): eight downloads at once, 1 to 10 threads, 0 bytes to 2 MiB, each
 * checked by SHA-256 (R6); a server that sends bytes whose MD5 is not the announced one (R6: the
 * client says so with its exit status; R15: it leaves neither OFILE nor a temporary file); and a
 * data connection that {@link TcpProxy} cuts before its block's first byte (R14: asked for again).
 * {@code {address}} is HOST:PORT, {@code {file}} the file's name as the request path, {@code
 * {ofile}} an absolute path in the client's own fresh directory, which is its working directory.
 */
@ExtendWith(CheckRunExtension.class)
public final class RangedClientCheck {
    /** (size, threads) of the downloads run at once; at most 10 threads, see resources/interop.md on seed 000. */
    static final int[][] DOWNLOADS = {{(1 << 20) + 5, 1}, {(1 << 20) + 5, 4}, {(1 << 20) + 5, 10}, {1, 4}, {0, 2},
            {300_000, 3}, {64 * 1024, 7}, {2 << 20, 8}};

    private final CheckTarget target;
    @TempDir
    Path work;
    /** Our server's side: a temporary directory of its own, not beside the clients' directories. */
    @TempDir
    Path serverSide;
    Path root;
    /** A recording proxy in front of each data listener our server opened: the blocks crossed them. */
    private final List<TcpProxy> dataWires = new java.util.concurrent.CopyOnWriteArrayList<>();
    ServerUnderTest server;
    TcpProxy proxy;
    private int clients;

    public RangedClientCheck(CheckTarget target) {
        this.target = target;
    }

    @BeforeEach
    void startOurServer() throws IOException {
        root = Files.createDirectories(serverSide.resolve("served"));
    }

    private ServerUnderTest start(boolean cutFirstDataConnection) throws IOException {
        TrustedRangedServer reference = target.referenceServer(port -> TrustedRangedServer.serving(root, port));
        if (cutFirstDataConnection) {
            // The first data connection is closed as soon as its block number arrives, before the
            // server sees it: the block was never sent, so the listener waits for it to be asked again.
            reference.advertisingDataPortsWith(listener -> {
                proxy = TcpProxy.startOn(target.ports().forOurListener(), new InetSocketAddress("127.0.0.1", listener),
                        TcpProxy.Faults.none().cutUpstreamAfter(0), 1);
                TcpProxy wire = TcpProxy.recording(proxy.address());
                dataWires.add(wire);
                return wire.address().getPort();
            });
        } else {
            reference.advertisingDataPortsWith(listener -> {
                TcpProxy wire = TcpProxy.recording(new InetSocketAddress("127.0.0.1", listener));
                dataWires.add(wire);
                return wire.address().getPort();
            });
        }
        server = target.throughNetwork(reference);
        return server;
    }

    @AfterEach
    void stopOurServer() {
        dataWires.forEach(TcpProxy::close);
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Requirement("R6")
    void eightDownloadsAtOnceAreIntactFromOneToTenThreads() throws Exception {
        start(false);
        List<ClientCommand.Invocation> invocations = new ArrayList<>();
        for (int[] download : DOWNLOADS) {
            String name = "file-" + download[0] + "-" + download[1] + ".bin";
            writeRandom(name, download[0]);
            invocations.add(invocation(name, download[1]));
        }
        List<ClientCommand.Run> runs = runAll(invocations);

        for (int i = 0; i < DOWNLOADS.length; i++) {
            assertDownloaded(runs.get(i), invocations.get(i), DOWNLOADS[i], "");
        }
    }

    @Test
    @Requirement("R6")
    void bytesThatDoNotMatchTheAnnouncedMd5FailWithANonZeroExitStatus() throws Exception {
        ClientCommand.Run run = downloadWithWrongMd5();

        assertThat(run.exitStatus()).as("exit status when the blocks' MD5 is not the announced one: the client must "
                + "compare them and report the mismatch%s", run.said()).isNotZero();
    }

    @Test
    @Requirement("R15")
    void bytesThatDoNotMatchTheAnnouncedMd5LeaveNoFileBehind() throws Exception {
        ClientCommand.Run run = downloadWithWrongMd5();

        assertThat(lastClientDirectory()).as("the client's directory after a download whose MD5 did not match: no "
                + "OFILE, no temporary file%s", run.said()).isEmptyDirectory();
    }

    @Test
    @Requirement("R14")
    void aBlockWhoseConnectionIsCutIsAskedForAgain() throws Exception {
        start(true);
        writeRandom("retry.bin", 600_000);
        ClientCommand.Invocation invocation = invocation("retry.bin", 3);

        ClientCommand.Run run = runAll(List.of(invocation)).get(0);

        // What the client did wrong, not what the proxy counted: a client that never reached the data
        // phase has another fault than one that does not ask again (assertDownloaded says that one).
        assertThat(proxy).as("the client never asked the server for retry.bin (no valid POST reached the "
                + "control port, R1-R3), so its retry rule (R14) could not be tested (exit status %d)%s",
                run.exitStatus(), run.said()).isNotNull();
        assertThat(proxy.cuts()).as("no data connection of the client sent its block number, so its retry rule (R14) "
                + "could not be tested: the test cuts the first data connection once that byte arrives. A client "
                + "connects to the reply's port and sends one byte, the block number, on each (R4; exit status "
                + "%d)%s", run.exitStatus(), run.said()).isPositive();
        assertThat(proxy.cuts()).as("data connections the proxy cut (it cuts only the first)").isEqualTo(1);
        assertDownloaded(run, invocation, new int[] {600_000, 3}, "; one data connection was closed before its "
                + "block's first byte: a block that comes back short must be asked for again on a new connection");
    }

    /**
     * The file is changed in place after the server computed its MD5, size and modification time
     * kept: the server's MD5 cache (R16) cannot see it, so it announces the old MD5 with new bytes.
     */
    private ClientCommand.Run downloadWithWrongMd5() throws Exception {
        start(false);
        Path file = writeRandom("changed.bin", 300_000);
        announcedMd5(server.address(), "changed.bin");
        InPlaceChange.flipOneByteKeepingSizeAndTime(file, 150_000);
        ClientCommand.Run run = runAll(List.of(invocation("changed.bin", 3))).get(0);
        ClientCommand.assertFinished(run, "downloading changed.bin", "");
        return run;
    }

    /** A control request only, so that the server computes and caches the file's MD5. */
    private static void announcedMd5(InetSocketAddress server, String name) throws IOException, InterruptedException {
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.getPort() + "/" + name))
                .POST(HttpRequest.BodyPublishers.ofString("{\"threads\": 1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as("our server's answer to POST /%s: %s", name, reply.body()).isEqualTo(200);
    }

    private ClientCommand.Invocation invocation(String name, int threads) throws IOException {
        Path directory = Files.createDirectories(work.resolve("client-" + ++clients));
        return new ClientCommand.Invocation(Map.of(
                "address", List.of("127.0.0.1:" + server.address().getPort()),
                "threads", List.of(Integer.toString(threads)),
                "file", List.of(name),
                "ofile", List.of(directory.resolve(name).toString())), directory);
    }

    private Path lastClientDirectory() {
        return work.resolve("client-" + clients);
    }

    private List<ClientCommand.Run> runAll(List<ClientCommand.Invocation> invocations) throws Exception {
        return ClientCommand.runAll(target.command(), invocations, target.logDirectory(), target.sandbox());
    }

    private void assertDownloaded(ClientCommand.Run run, ClientCommand.Invocation invocation, int[] download,
                                  String fault) throws IOException {
        String name = invocation.placeholders().get("file").get(0);
        ClientCommand.assertFinished(run, "downloading " + name + " over " + download[1] + " connections",
                ": does it read each block until the server closes the connection?");
        Path output = Path.of(invocation.placeholders().get("ofile").get(0));
        assertThat(output).as("OFILE after downloading %s (%d bytes) over %d connections (exit status %d)%s%s", name,
                download[0], download[1], run.exitStatus(), fault, run.said()).isRegularFile();
        long crossed = dataWires.stream().mapToLong(wire -> wire.bytesCarried(TcpProxy.Direction.DOWNSTREAM)).sum();
        assertThat(crossed).as("bytes our server sent over the data connections of this test (%d data connection(s)):"
                + " %s counts only if its %d bytes came over the client's sockets%s", dataWires.size(), name,
                download[0], run.said()).isGreaterThanOrEqualTo(download[0]);
        assertThat(LeftFiles.sha256(output)).as("sha256 of %s as downloaded over %d connections: %d bytes served, %d "
                + "written%s%s", name, download[1], download[0], LeftFiles.size(output), fault, run.said())
                .isEqualTo(TestFiles.sha256(root.resolve(name)));
    }

    private Path writeRandom(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(name.hashCode()).nextBytes(bytes);
        return Files.write(root.resolve(name), bytes);
    }
}
