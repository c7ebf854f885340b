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
 * still has its refusal delivered, as over a real network; a small first write arrives whole, a
 * large one in MSS-sized segments; over {@code --network hostile} the first bytes come one at a time.
 */
class LossyNetworkTest {
    static final String REFUSAL = "error name-too-long: 300 bytes\n";

    @Test
    void aRefusalWrittenBeforeTheServerClosesReachesTheClientAndASmallFirstWriteArrivesWhole() throws Exception {
        assertThat(firstReadOfARefusingServer(LossyNetwork.FAULTS))
                .as("bytes in the server's first read over --network lossy: the whole small write").isEqualTo(10);
    }

    /**
     * How many of the one-byte segments a server's first read gets depends on when its thread runs
     * (a loaded machine's read found 3 waiting): the pieces themselves are checked, and end to end
     * that the refusal still arrives after the server read a few bytes and closed.
     */
    @Test
    void aHostileNetworkSendsTheFirstBytesOneByOne() throws Exception {
        TcpProxy.Faults faults = LossyNetwork.HOSTILE_FAULTS;
        for (long forwarded = 0; forwarded < 16; forwarded++) {
            assertThat(faults.nextPiece(forwarded, 300)).as("the piece after %d bytes", forwarded).isEqualTo(1);
        }
        assertThat(faults.nextPiece(16, 300)).as("the piece after the first 16 bytes").isBetween(1, 300);
        assertThat(firstReadOfARefusingServer(faults)).as("bytes in the server's first read over --network hostile")
                .isPositive();
    }

    @Test
    void aLargeWriteComesInWholeSegmentsMostly() throws Exception {
        TcpProxy.Faults faults = LossyNetwork.FAULTS;
        int whole = 0;
        for (int i = 0; i < 1000; i++) {
            int piece = faults.nextPiece(100, 64 * 1024);
            assertThat(piece).isBetween(1, 11 * 1448);
            whole += piece % 1448 == 0 ? 1 : 0;
        }
        assertThat(whole).as("bursts of whole 1448-byte segments among 1000 (one in eight is cut short)")
                .isBetween(800, 950);
        assertThat(faults.nextPiece(100, 1448)).as("what fits one segment goes whole").isEqualTo(1448);
    }

    /** Through a proxy with {@code faults}: the refusal arrives whole; returns the server's first read. */
    private static int firstReadOfARefusingServer(TcpProxy.Faults faults) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> firstRead = CompletableFuture.supplyAsync(() -> refuseAfterTenBytes(listener));
            try (TcpProxy proxy = TcpProxy.start((InetSocketAddress) listener.getLocalSocketAddress(), faults);
                 Socket client = new Socket()) {
                client.connect(proxy.address(), 5_000);
                client.setSoTimeout(10_000);
                client.getOutputStream().write(new byte[300]); // more than the server will read

                assertThat(readUntilClosed(client.getInputStream())).isEqualTo(REFUSAL);
                return firstRead.get(10, TimeUnit.SECONDS);
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
