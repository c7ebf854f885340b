package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.Requirement;
import transferlab.testkit.TcpProxy;
import transferlab.testkit.TestFiles;

/**
 * The receivers of later blocks give way to the block the hash needs ({@link ReceivedBytes#giveWay}),
 * and giving way loses nothing: every block still arrives whole at its offset (R15), a cut block is
 * asked for again (R14), and a receiver that keeps giving way still reads often enough that its
 * watchdog never takes it for idle. The speed it buys is measured by {@code ./transfer bench}, not here.
 */
class GiveWayTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path temp;
    private ServerSocket dataPort;
    private Thread serving;

    @AfterEach
    void stopServing() throws IOException, InterruptedException {
        if (dataPort != null) {
            dataPort.close();
            serving.join(10_000);
        }
    }

    @Test
    void laterBlocksGiveWayWhileTheHashHasWorkAndTheFrontierOnlyWhileItHasMuch() {
        BlockLayout layout = new BlockLayout(40 * MIB, 4); // blocks of about 10 MiB
        ReceivedBytes received = new ReceivedBytes(layout, MIB, 4 * MIB);
        received.arrived(0, 2 * MIB);
        assertThat(blocksGivingWay(received, layout)).as("no hash follows the prefix yet").isEmpty();

        hashIsAt(received, MIB + MIB / 2); // 0.5 MiB ready for the hash
        assertThat(blocksGivingWay(received, layout)).as("the hash is about to wait").isEmpty();

        received.arrived(0, 3 * MIB); // 1.5 MiB ready
        assertThat(blocksGivingWay(received, layout)).as("the hash has work: later blocks wait")
                .containsExactly(1, 2, 3);

        received.arrived(0, 6 * MIB); // 4.5 MiB ready
        assertThat(blocksGivingWay(received, layout)).as("much work: the frontier too").containsExactly(0, 1, 2, 3);

        hashIsAt(received, 6 * MIB);
        assertThat(blocksGivingWay(received, layout)).as("the hash caught up").isEmpty();

        received.arrived(0, layout.length(0));
        received.arrived(1, 2 * MIB);
        hashIsAt(received, layout.length(0) - MIB); // block 1 is the frontier now; 3 MiB ready
        assertThat(blocksGivingWay(received, layout)).as("block 0 is in, block 1 feeds the hash")
                .containsExactly(2, 3);

        received.fail(new DownloadFailedException("another block failed"));
        assertThat(blocksGivingWay(received, layout)).as("after a failure nobody waits").isEmpty();
    }

    @Test
    @Requirement("R15")
    void aReceiverThatGivesWayWaitsForTheHashThenBringsItsBlockWhole() throws Exception {
        byte[] whole = TestFiles.randomBytes(256 * 1024, 11);
        BlockLayout layout = new BlockLayout(whole.length, 2);
        InetSocketAddress data = serveBlocks(whole, layout);
        ReceivedBytes received = new ReceivedBytes(layout, 16 * 1024, Long.MAX_VALUE);
        received.arrived(0, 64 * 1024); // block 0's first 64 KiB are in, the hash is at 0: it has work
        hashIsAt(received, 0);

        try (FileChannel file = openPart("out.part"); StallWatchdog watchdog = new StallWatchdog("give-way-test");
             DownloadProgress progress = DownloadProgress.onTerminal("test", layout)) {
            BlockReceiver receiver = new BlockReceiver(1, data, file, layout.start(1), layout.length(1), whole.length,
                    received, progress, watchdog, Duration.ofSeconds(30), 0, 4096);
            Thread receiving = new Thread(receiver, "give-way-test-block-1");
            receiving.start();

            await().until(() -> received.receiversGivingWay() == 1);
            hashIsAt(received, 64 * 1024); // the hash caught up: block 1 may take the CPU again
            await().until(() -> !receiving.isAlive());

            assertThat(received.failure()).isNull();
            assertThat(receiver.failedAttempts()).isZero();
            assertBlockInPlace(whole, layout, 1, temp.resolve("out.part"));
        }
    }

    /**
     * The hash never catches up here, so block 1 gives way all along, 100 ms at a time; its first
     * connection is cut after 8 KiB. The retry must bring the block whole, and the watchdog (1 s idle
     * timeout) must never cut a receiver for giving way.
     */
    @Test
    @Requirement({"R14", "R15"})
    void aReceiverGivingWayAllAlongSurvivesACutAndIsNeverTakenForIdle() throws Exception {
        byte[] whole = TestFiles.randomBytes(256 * 1024, 12);
        BlockLayout layout = new BlockLayout(whole.length, 2);
        InetSocketAddress data = serveBlocks(whole, layout);
        ReceivedBytes received = new ReceivedBytes(layout, 16 * 1024, Long.MAX_VALUE);
        received.arrived(0, 64 * 1024);
        hashIsAt(received, 0);

        try (TcpProxy cutter = TcpProxy.start(data, TcpProxy.Faults.none().cutDownstreamAfter(8 * 1024), 1);
             FileChannel file = openPart("out.part"); StallWatchdog watchdog = new StallWatchdog("give-way-test");
             DownloadProgress progress = DownloadProgress.onTerminal("test", layout)) {
            BlockReceiver receiver = new BlockReceiver(1, cutter.address(), file, layout.start(1), layout.length(1),
                    whole.length, received, progress, watchdog, Duration.ofSeconds(1), 1, 16 * 1024);
            Thread receiving = new Thread(receiver, "give-way-test-block-1");
            receiving.start();
            await().until(() -> received.receiversGivingWay() == 1);
            await().until(() -> !receiving.isAlive());

            assertThat(cutter.cuts()).isEqualTo(1);
            assertThat(received.failure()).isNull();
            assertThat(receiver.failedAttempts()).as("the cut, and nothing else").isEqualTo(1);
            assertThat(received.shouldGiveWay(1)).as("the hash still has work: it was to give way all along").isTrue();
            assertBlockInPlace(whole, layout, 1, temp.resolve("out.part"));
        }
    }

    /** The hash asks for bytes beyond {@code position}: it has hashed that far. */
    private static void hashIsAt(ReceivedBytes received, long position) {
        try {
            received.awaitPrefixBeyond(position, 0);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Integer> blocksGivingWay(ReceivedBytes received, BlockLayout layout) {
        List<Integer> blocks = new ArrayList<>();
        for (int block = 0; block < layout.threads(); block++) {
            if (received.shouldGiveWay(block)) {
                blocks.add(block);
            }
        }
        return blocks;
    }

    private FileChannel openPart(String name) throws IOException {
        return FileChannel.open(temp.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    /** A data port of protocol R for {@code whole}: each connection sends a block number, gets that block. */
    private InetSocketAddress serveBlocks(byte[] whole, BlockLayout layout) throws IOException {
        dataPort = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        serving = new Thread(() -> {
            while (true) {
                try (Socket connection = dataPort.accept()) {
                    int block = connection.getInputStream().read();
                    OutputStream out = connection.getOutputStream();
                    out.write(whole, (int) layout.start(block), (int) layout.length(block));
                } catch (IOException e) {
                    if (dataPort.isClosed()) {
                        return;
                    } // else a connection cut by the proxy: serve the next one
                }
            }
        }, "give-way-test-data-port");
        serving.start();
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), dataPort.getLocalPort());
    }

    private static void assertBlockInPlace(byte[] whole, BlockLayout layout, int block, Path file) throws IOException {
        byte[] written = Files.readAllBytes(file);
        int start = (int) layout.start(block);
        int end = (int) layout.end(block);
        assertThat(written).hasSize(end);
        assertThat(Arrays.copyOfRange(written, start, end)).isEqualTo(Arrays.copyOfRange(whole, start, end));
    }
}
