package transferlab.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Fixed ports, as {@code --server-port} and {@code --client-port} use them, must be free again when
 * a test ends: the next test binds them at once.
 * <ul>
 *   <li>A proxy in front of a server on a fixed port ({@link TcpProxy#resettingTargetClosingFirst})
 *       leaves no connection in TIME_WAIT on the server's port, else a server without SO_REUSEADDR
 *       cannot bind it again for a minute. The hard case, as in an upload: the client half-closes
 *       right after its last byte while the server, having read the announced size, closes on its
 *       own. The two ends of stream cross; the client's used to reach the server as a FIN.</li>
 *   <li>A proxy on a fixed port (our server's, for a client) lets go of it when closed: its accept
 *       thread used to hold the listener a moment longer, and the next bind failed.</li>
 * </ul>
 */
class TcpProxyFreesFixedPortsTest {
    private static final int CONNECTIONS = 40;
    private static final int CONTENT = 1000;

    @Test
    void aServerThatClosesAsTheClientHalfClosesCanBindItsPortAgainAtOnce() throws Exception {
        // Above the kernel's ephemeral ports: no connection's own port takes it in the meantime.
        int port = LoopbackPorts.freeIn(63000, 65535);
        Thread serving;
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(false); // as a Python server that does not set SO_REUSEADDR
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            serving = new Thread(() -> serve(server), "closes-after-the-content");
            serving.setDaemon(true);
            serving.start();
            try (TcpProxy proxy = TcpProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    TcpProxy.Faults.none(), Integer.MAX_VALUE).resettingTargetClosingFirst()) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    try (Socket client = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
                        client.getOutputStream().write(new byte[CONTENT]);
                        client.shutdownOutput();
                        assertThat(client.getInputStream().readAllBytes()).as("connection %d", i).isEmpty();
                    }
                }
            }
        }
        // A listener closed while a thread is blocked in its accept() lets go of the port only once
        // that thread has left accept().
        serving.join(Duration.ofSeconds(10).toMillis());
        assertThat(serving.isAlive()).as("the server's accept thread, its listener closed").isFalse();
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(false);
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(again.getLocalPort()).as("the port bound again, without SO_REUSEADDR").isEqualTo(port);
        }
    }

    /** Reads each connection's announced size and closes it, without waiting for the client's end. */
    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket connection = server.accept()) {
                connection.getInputStream().readNBytes(CONTENT);
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Test
    void aClosedProxyOnAFixedPortCanBeOpenedThereAgainAtOnce() throws Exception {
        int port = LoopbackPorts.freeIn(63000, 65535);
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < CONNECTIONS; i++) {
                TcpProxy proxy = TcpProxy.recording(port, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        target.getLocalPort()));
                assertThat(proxy.address().getPort()).as("proxy %d", i).isEqualTo(port);
                proxy.close();
            }
        }
    }
}
