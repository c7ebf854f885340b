package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import transferlab.testkit.TcpProxy;
import transferlab.grading.program.LossyNetwork;

/**
 * The proxy of {@code --network lossy} is a poor network, not a broken one: a server that reads
 * part of a request, answers a refusal and closes (so the kernel resets the bytes still coming)
 * still has its refusal delivered, as over a real network; and the first bytes come one at a time.
 */
class LossyNetworkTest {
    static final String REFUSAL = "error name-too-long: 300 bytes\n";

    @Test
    void aRefusalWrittenBeforeTheServerClosesReachesTheClient() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> firstRead = CompletableFuture.supplyAsync(() -> refuseAfterTenBytes(listener));
            try (TcpProxy proxy = TcpProxy.start((InetSocketAddress) listener.getLocalSocketAddress(),
                    LossyNetwork.FAULTS);
                 Socket client = new Socket()) {
                client.connect(proxy.address(), 5_000);
                client.setSoTimeout(10_000);
                client.getOutputStream().write(new byte[300]); // more than the server will read

                assertThat(readUntilClosed(client.getInputStream())).isEqualTo(REFUSAL);
                assertThat(firstRead.get(10, TimeUnit.SECONDS)).as("bytes in the server's first read: one segment")
                        .isEqualTo(1);
            }
        }
    }

    /** Reads 10 bytes (noting how many the first read got), writes the refusal and closes, unread bytes left. */
    private static int refuseAfterTenBytes(ServerSocket listener) {
        try (Socket server = listener.accept()) {
            InputStream in = server.getInputStream();
            byte[] buffer = new byte[10];
            int first = in.read(buffer);
            in.readNBytes(10 - first);
            server.getOutputStream().write(REFUSAL.getBytes(StandardCharsets.US_ASCII));
            return first;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (SocketException reset) {
            // the close may come as a reset: what came before it counts
        }
        return all.toString(StandardCharsets.US_ASCII);
    }
}
