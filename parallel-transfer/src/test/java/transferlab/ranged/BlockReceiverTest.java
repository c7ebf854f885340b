package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.TestFiles;

/**
 * One {@link BlockReceiver} against a data port played by the test: it sends the block number, the
 * test answers with that block's bytes in small writes, and the bytes must land at the block's
 * offset of the shared file and nowhere else (R4, R15). The student tree's TODO stage3.2 is guarded here.
 */
class BlockReceiverTest {
    @TempDir
    Path temp;

    @Test
    void aBlockLandsAtItsOffsetInThePreSizedFileWithPositionalWrites() throws Exception {
        byte[] whole = TestFiles.randomBytes(10_000, 7);
        BlockLayout layout = new BlockLayout(whole.length, 3); // B = 3334: block 1 is [3334, 6668)
        int block = 1;
        try (ServerSocket dataPort = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             FileChannel file = FileChannel.open(temp.resolve("out.part"), StandardOpenOption.CREATE_NEW,
                     StandardOpenOption.READ, StandardOpenOption.WRITE);
             StallWatchdog watchdog = new StallWatchdog("block-receiver-test-watchdog");
             DownloadProgress progress = DownloadProgress.hidden(layout)) {
            CompletableFuture<Integer> asked = CompletableFuture.supplyAsync(() -> {
                try (Socket connection = dataPort.accept()) {
                    int number = connection.getInputStream().read();
                    byte[] bytes = Arrays.copyOfRange(whole, (int) layout.start(number), (int) layout.end(number));
                    for (int at = 0; at < bytes.length; at += 500) { // small pieces: many reads, many writes
                        connection.getOutputStream().write(bytes, at, Math.min(500, bytes.length - at));
                    }
                    return number;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ReceivedBytes received = new ReceivedBytes(layout);
            BlockReceiver receiver = new BlockReceiver(block,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), dataPort.getLocalPort()), file,
                    layout.start(block), layout.length(block), whole.length, received, progress, watchdog,
                    Duration.ofSeconds(5), 0, 1024);
            receiver.run();

            assertThat(asked.get(10, TimeUnit.SECONDS)).as("the block number sent").isEqualTo(block);
            assertThat(received.failure()).isNull();
            byte[] written = Files.readAllBytes(temp.resolve("out.part"));
            assertThat(written).hasSize((int) layout.end(block));
            assertThat(Arrays.copyOfRange(written, (int) layout.start(block), (int) layout.end(block)))
                    .isEqualTo(Arrays.copyOfRange(whole, (int) layout.start(block), (int) layout.end(block)));
            assertThat(Arrays.copyOfRange(written, 0, (int) layout.start(block))).as("block 0's place, untouched")
                    .containsOnly((byte) 0);
        }
    }
}
