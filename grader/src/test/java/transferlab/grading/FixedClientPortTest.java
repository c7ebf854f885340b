package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.grading.program.CommandServer;
import transferlab.grading.program.Ports;
import transferlab.testkit.LoopbackPorts;

/**
 * Our listener on a graded client's fixed port ({@code --client-port}) waits while something else
 * holds the port, instead of failing the test: a CI run once lost U3 of a correct fixed-port client
 * to "BindException: Address already in use" at the start of one test, the tests before and after
 * it passing. The wait is in the run's warnings, with the holder.
 */
class FixedClientPortTest {
    @Test
    void aHeldPortIsTakenOnceItsHolderLetsGoAndTheWarningNamesTheHolder(@TempDir Path logs) throws Exception {
        int port = LoopbackPorts.free();
        AtomicInteger attempts = new AtomicInteger();
        try (ServerSocket holder = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<ServerSocket> ours = CompletableFuture.supplyAsync(() -> {
                try {
                    return Ports.bindWhenFree(port, logs, free -> {
                        attempts.incrementAndGet();
                        return new ServerSocket(free, 50, InetAddress.getLoopbackAddress());
                    });
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 2); // refused, and tried again
            assertThat(ours).isNotDone();
            holder.close();
            try (ServerSocket bound = ours.get(10, TimeUnit.SECONDS)) {
                assertThat(bound.getLocalPort()).isEqualTo(port);
            }
        }
        assertThat(CommandServer.portsHeld(logs)).singleElement().asString()
                .contains("port " + port + " (--client-port) was held (pid " + ProcessHandle.current().pid())
                .contains("before our listener could take it");
    }

    @Test
    void aFreePortIsBoundAtOnceWithNoWarning(@TempDir Path logs) throws Exception {
        int port = LoopbackPorts.free();
        try (ServerSocket bound = Ports.bindWhenFree(port, logs,
                free -> new ServerSocket(free, 50, InetAddress.getLoopbackAddress()))) {
            assertThat(bound.getLocalPort()).isEqualTo(port);
        }
        assertThat(CommandServer.portsHeld(logs)).isEmpty();
    }
}
