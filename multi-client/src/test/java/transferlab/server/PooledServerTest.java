package transferlab.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.upload.UploadLimits;
import transferlab.upload.UploadServers;
import transferlab.testkit.InProcessServer;
import transferlab.testkit.RawUploadClient;
import transferlab.testkit.TestFiles;
import transferlab.stagetwo.StageTwoServer;

/** The pool's own limit: a bounded queue, and a polite refusal when it is full. */
class PooledServerTest {
    @TempDir
    Path received;

    @Test
    void fullQueueIsRefusedBusyWhileRunningAndWaitingTransfersFinish() throws Exception {
        UploadLimits limits = UploadLimits.defaults().withHeaderSettle(Duration.ofMillis(20));
        PooledServer pool = UploadServers.pool(new InetSocketAddress("127.0.0.1", 0), received, limits,
                ServerLog.silent(), 1, 1);
        try (InProcessServer server = StageTwoServer.running(pool, received, pool::activeWorkers, "pool-1-1")) {
            byte[] first = TestFiles.randomBytes(60_000, 1);
            byte[] second = TestFiles.randomBytes(70_000, 2);
            try (RawUploadClient running = RawUploadClient.connect(server.address());
                 RawUploadClient waiting = RawUploadClient.connect(server.address())) {
                running.send(RawUploadClient.header(first.length, "running.bin"));
                assertThat(running.readAnswer()).isEqualTo("go ahead");
                running.send(Arrays.copyOf(first, 30_000)); // holds the only worker
                await().atMost(Duration.ofSeconds(5)).until(() -> pool.activeWorkers() == 1);

                waiting.send(RawUploadClient.header(second.length, "waiting.bin")); // takes the only place in the queue
                await().atMost(Duration.ofSeconds(5)).until(() -> pool.waitingConnections() == 1);

                try (RawUploadClient refused = RawUploadClient.connect(server.address())) {
                    refused.send(RawUploadClient.header(10, "refused.bin"));
                    assertThat(refused.readToEnd()).startsWith("error busy: all 1 workers are busy").endsWith("\n");
                }

                running.send(Arrays.copyOfRange(first, 30_000, first.length));
                assertThat(running.readLine()).isEqualTo("ok " + TestFiles.sha256(first) + "\n");
                assertThat(waiting.readAnswer()).isEqualTo("go ahead"); // the freed worker takes it
                waiting.send(second);
                assertThat(waiting.readLine()).isEqualTo("ok " + TestFiles.sha256(second) + "\n");
            }
            assertThat(Files.readAllBytes(received.resolve("running.bin"))).isEqualTo(first);
            assertThat(Files.readAllBytes(received.resolve("waiting.bin"))).isEqualTo(second);
            assertThat(TestFiles.everything(received)).containsExactly("running.bin", "waiting.bin");
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.activeWorkers() == 0);
        }
    }

    @Test
    void workerThreadsHaveNames() throws Exception {
        PooledServer pool = UploadServers.pool(new InetSocketAddress("127.0.0.1", 0), received,
                UploadLimits.defaults(), ServerLog.silent(), 2, 2);
        try (InProcessServer server = StageTwoServer.running(pool, received, pool::activeWorkers, "pool-names");
             RawUploadClient client = RawUploadClient.connect(server.address())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.activeWorkers() == 1);
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).contains("pool-worker-1");
            client.send(RawUploadClient.header(3, "abc.txt"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(new byte[] {'a', 'b', 'c'});
            assertThat(client.readLine()).isEqualTo("ok " + TestFiles.sha256(new byte[] {'a', 'b', 'c'}) + "\n");
        }
    }
}
