package transferlab.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.upload.UploadLimits;
import transferlab.upload.UploadServers;
import transferlab.testkit.InProcessServer;
import transferlab.testkit.RawUploadClient;
import transferlab.stagetwo.StageTwoServer;

/** Thread per client: named threads, freed when their client ends; virtual threads found at run time. */
class ThreadPerClientServerTest {
    @TempDir
    Path received;

    @Test
    void eachClientGetsANamedThreadThatEndsWithIt() throws Exception {
        ThreadPerClientServer threads = UploadServers.threadPerClient(new InetSocketAddress("127.0.0.1", 0),
                received, UploadLimits.defaults(), ServerLog.silent());
        try (InProcessServer server = StageTwoServer.running(threads, received, threads::activeConnections,
                "tpc-names")) {
            try (RawUploadClient client = RawUploadClient.connect(server.address())) {
                await().atMost(Duration.ofSeconds(5)).until(() -> threads.activeConnections() == 1);
                assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).contains("client-1");
                client.send(RawUploadClient.header(5, "a.txt"));
                assertThat(client.readAnswer()).isEqualTo("go ahead");
            } // the client leaves half way: its thread ends
            await().atMost(Duration.ofSeconds(5)).until(() -> threads.activeConnections() == 0);
        }
    }

    @Test
    void virtualThreadsAreFoundExactlyFromJava21On() {
        Optional<ThreadFactory> factory = VirtualThreads.factory("v-");
        assertThat(factory.isPresent()).isEqualTo(Runtime.version().feature() >= VirtualThreads.FIRST_JAVA_RELEASE);
        assertThat(VirtualThreads.available()).isEqualTo(factory.isPresent());
        factory.ifPresent(threads -> assertThat(threads.newThread(() -> { }).getName()).isEqualTo("v-1"));
    }
}
