package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import transferlab.grading.program.ProcessGroup;

/**
 * What the grader reads from the kernel's socket tables about a server (Linux): whether a port
 * listens, and how many connections wait there unaccepted, the clue for a server that never calls
 * accept() again ("[stopped by the grader; 1 connection(s) were still waiting to be accepted ...]").
 */
class ProcessGroupTest {
    @Test
    void aConnectionTheServerNeverAcceptedIsSeenWaiting() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "no /proc/net/tcp here (not Linux)");
        try (ServerSocket neverAccepts = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            int port = neverAccepts.getLocalPort();
            assertThat(ProcessGroup.isListening(port)).isTrue();
            assertThat(ProcessGroup.notYetAccepted(port)).isZero();

            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);

                await().atMost(Duration.ofSeconds(5)).until(() -> ProcessGroup.notYetAccepted(port) == 1);
                neverAccepts.accept().close();
                await().atMost(Duration.ofSeconds(5)).until(() -> ProcessGroup.notYetAccepted(port) == 0);
            }
        }
    }
}
