package transferlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stage 1's accept loop on its own, with a tiny handler instead of a protocol: clients are served
 * one after another, and a handler that fails on one client does not stop the server (U5).
 */
class IterativeServerTest {
    private IterativeServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    /** The handler answers each client with its number, "1\n", "2\n", …; client 2 makes it throw. */
    private InetSocketAddress start() throws IOException {
        AtomicInteger served = new AtomicInteger();
        ConnectionHandler numbering = connection -> {
            int number = served.incrementAndGet();
            if (number == 2) {
                throw new IOException("client 2 is a bad client");
            }
            connection.getOutputStream().write((number + "\n").getBytes(StandardCharsets.US_ASCII));
        };
        server = IterativeServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), numbering,
                ServerLog.silent());
        server.serveInBackground("iterative-server-test");
        return server.address();
    }

    private static String answer(InetSocketAddress server) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, 5000);
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII); // the server closes after each client
        }
    }

    @Test
    void servesClientsOneAfterAnotherAndGoesOnAfterOneFails() throws IOException {
        InetSocketAddress address = start();
        assertThat(answer(address)).isEqualTo("1\n");
        assertThat(answer(address)).as("client 2's handler failed: closed without an answer").isEmpty();
        assertThat(answer(address)).isEqualTo("3\n");
        assertThat(answer(address)).isEqualTo("4\n");
    }
}
