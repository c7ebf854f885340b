package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.testkit.Requirement;
import transferlab.testkit.TcpProxy;
import transferlab.server.ServerLog;
import transferlab.storage.ServedDirectory;
import transferlab.testkit.TestFiles;

/**
 * Protocol R when things break: a data connection cut in the middle of a block, a server that sends
 * wrong bytes, a server gone between the control reply and the data phase. Our server and client,
 * on loopback, with the test proxy in the data path.
 *
 * <p>How the proxy gets into the data path: the client learns the data port from the control reply,
 * so the server is told (for tests only) to advertise the port of a {@link TcpProxy} started in front
 * of each new data listener ({@link RangedServer#advertisingDataPortsWith}).
 */
class RangedFaultsTest {
    @TempDir
    Path root;
    @TempDir
    Path downloads;
    private RangedServer server;
    private Thread serving;
    private final AtomicReference<TcpProxy> proxy = new AtomicReference<>();

    private RangedServer start(RangedLimits limits) throws IOException {
        server = RangedServer.bind(new InetSocketAddress("127.0.0.1", 0), new ServedDirectory(root), limits,
                ServerLog.silent());
        serving = server.serveInBackground("ranged-faults");
        return server;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (proxy.get() != null) {
            proxy.get().close();
        }
        if (server != null) {
            server.close();
            serving.join(10_000);
        }
    }

    /**
     * 96 MiB in 2 blocks of 48 MiB; the proxy cuts the first data connection after 1 MiB. The cut
     * block cannot have been "sent whole" by then: the bytes the server may have handed to the kernel
     * beyond what the proxy forwarded are at most its send buffer (tcp_wmem max, 4 MiB here) plus the
     * proxy's receive buffer (tcp_rmem max, 32 MiB here) plus the proxy's 64 KiB buffer, far less
     * than 47 MiB. So the server's write fails, the listener lives on, and the retry must get through.
     */
    @Test
    @Requirement("R14")
    void aBlockCutInTheMiddleIsAskedForAgainAndTheFileIsIntact() throws Exception {
        Path file = writeRandom(root.resolve("big.bin"), 96 << 20, 1);
        start(RangedLimits.defaults()).advertisingDataPortsWith(listener -> {
            TcpProxy cutter = TcpProxy.start(new InetSocketAddress("127.0.0.1", listener.getPort()),
                    TcpProxy.Faults.none().cutDownstreamAfter(1 << 20), 1);
            proxy.set(cutter);
            return cutter.address().getPort();
        });
        Path output = downloads.resolve("big.bin");

        DownloadResult result = new RangedClient().download(server.address(), "big.bin", 2, output);

        assertThat(proxy.get().cuts()).isEqualTo(1);
        assertThat(result.retries()).isEqualTo(1);
        assertThat(Files.mismatch(file, output)).isEqualTo(-1L);
        assertThat(downloads).isDirectoryContaining(p -> p.equals(output));
    }

    /**
     * Every connection is cut after 1000 bytes, retries included. The block is 48 MiB, more than the
     * server can have handed to the kernel by then (see above), so every attempt breaks the same way
     * and the listener stays open for each retry.
     */
    @Test
    @Requirement("R14")
    void aBlockThatKeepsBreakingFailsTheDownloadAfterTheRetriesAndLeavesNothing() throws Exception {
        writeRandom(root.resolve("big.bin"), 48 << 20, 2);
        start(RangedLimits.defaults()).advertisingDataPortsWith(listener -> {
            TcpProxy cutter = TcpProxy.start(new InetSocketAddress("127.0.0.1", listener.getPort()),
                    TcpProxy.Faults.none().cutDownstreamAfter(1000)); // every connection, every retry
            proxy.set(cutter);
            return cutter.address().getPort();
        });

        assertThatThrownBy(() -> new RangedClient(RangedClient.DEFAULT_IDLE_TIMEOUT, 2)
                .download(server.address(), "big.bin", 1, downloads.resolve("big.bin")))
                .isInstanceOf(DownloadFailedException.class)
                .hasMessageContaining("block 0 failed 3 times")
                .hasMessageContaining("ended after 1000 of");
        assertThat(proxy.get().cuts()).isEqualTo(3);
        assertThat(downloads).isEmptyDirectory();
    }

    /**
     * The server sends wrong bytes: the file was rewritten in place after its MD5 was cached, with its
     * size and modification time kept (the one case the cache cannot see, R16). The client must find
     * the mismatch, exit 1, and leave neither OFILE nor its temporary file.
     */
    @Test
    @Requirement({"R6", "R15"})
    void wrongBytesAreAnMd5MismatchExit1AndNothingLeftBehind() throws Exception {
        Path file = writeRandom(root.resolve("data.bin"), 3 << 20, 3);
        start(RangedLimits.defaults());
        Path first = downloads.resolve("first.bin");
        new RangedClient().download(server.address(), "data.bin", 4, first); // caches the MD5
        Files.delete(first);
        FileTime modified = Files.getLastModifiedTime(file);
        try (RandomAccessFile inPlace = new RandomAccessFile(file.toFile(), "rw")) {
            inPlace.seek(1_000_000);
            int old = inPlace.read();
            inPlace.seek(1_000_000);
            inPlace.write(old ^ 0xff);
        }
        Files.setLastModifiedTime(file, modified);
        Path output = downloads.resolve("copy.bin");

        int exit = CommandRunner.run(new RangedClientCommand(),
                HostPort.format(server.address()), "4", "data.bin", output.toString());

        assertThat(exit).isEqualTo(CommandRunner.FAILED);
        assertThat(downloads).isEmptyDirectory();
    }

    @Test
    @Requirement({"R14", "R15"})
    void aServerGoneBeforeTheDataPhaseIsAClearErrorAndLeavesNothing() throws Exception {
        writeRandom(root.resolve("data.bin"), 1 << 20, 4);
        start(RangedLimits.defaults());
        RangedClient client = new RangedClient();
        DownloadOffer offer = client.ask(server.address(), "data.bin", 4);
        server.close(); // the control reply came; now the server (and its data listener) is gone
        serving.join(10_000);

        assertThatThrownBy(() -> client.fetch(server.address(), offer, "data.bin", downloads.resolve("data.bin")))
                .isInstanceOf(DownloadFailedException.class)
                .hasMessageContaining("block")
                .hasMessageContaining("failed 4 times") // 1 + 3 retries, then the download gives up
                .hasMessageContaining("cannot connect to the data port " + offer.port())
                .hasMessageContaining("gone");
        assertThat(downloads).isEmptyDirectory();
    }

    @Test
    @Requirement({"R14", "R15"})
    void theCommandExits1WhenTheServerIsGoneAndLeavesNothing() throws Exception {
        writeRandom(root.resolve("data.bin"), 1000, 5);
        start(RangedLimits.defaults());
        String address = HostPort.format(server.address());
        server.close();
        serving.join(10_000);

        int exit = CommandRunner.run(new RangedClientCommand(), address, "4", "data.bin",
                downloads.resolve("data.bin").toString());

        assertThat(exit).isEqualTo(CommandRunner.FAILED);
        assertThat(downloads).isEmptyDirectory();
    }

    @Test
    void theCommandExits2OnAUsageError() {
        assertThat(CommandRunner.run(new RangedClientCommand(), "127.0.0.1:1", "0", "f", "o"))
                .isEqualTo(CommandRunner.USAGE);
        assertThat(CommandRunner.run(new RangedClientCommand(), "127.0.0.1:1", "256", "f", "o"))
                .isEqualTo(CommandRunner.USAGE);
        assertThat(CommandRunner.run(new RangedClientCommand(), "nohostport", "4", "f", "o"))
                .isEqualTo(CommandRunner.USAGE);
        assertThat(CommandRunner.run(new RangedClientCommand(), "127.0.0.1:1", "4", "f"))
                .isEqualTo(CommandRunner.USAGE);
    }

    static Path writeRandom(Path file, int size, long seed) throws IOException {
        return Files.write(file, TestFiles.randomBytes(size, seed));
    }
}
