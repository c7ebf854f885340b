package transferlab.eventloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.contract.Requirement;
import transferlab.contract.TcpProxy;
import transferlab.server.ServerLog;
import transferlab.storage.Hashes;
import transferlab.upload.UploadHeader;
import transferlab.upload.UploadLimits;

/**
 * The event-loop upload server behind the suite's {@link TcpProxy}: a header that arrives in 1-byte
 * pieces is read whole (the settle window is a timer in the loop, not a blocking read), and an upload
 * cut in the middle leaves neither the file nor its temporary file. These live here, not in the
 * multi-client module, because TcpProxy is part of the suite and the suite depends on that module.
 */
class EventLoopThroughProxyTest {
    // A generous settle window: the proxy pauses 2 ms between pieces, far less even on a loaded machine.
    private static final UploadLimits LIMITS = UploadLimits.defaults().withIdleTimeout(Duration.ofSeconds(5))
            .withHeaderSettle(Duration.ofMillis(300));

    @TempDir
    Path received;

    @Test
    @Requirement("U4")
    void headerSplitIntoOneBytePiecesIsReadWhole() throws Exception {
        byte[] content = bytes(200, 1); // small: the proxy splits the content into single bytes too
        String name = "split-into-single-bytes.bin";
        EventLoopUploadServer server = EventLoopUploadServer.bind(new InetSocketAddress("127.0.0.1", 0), received,
                LIMITS, ServerLog.silent());
        Thread loop = server.serveInBackground("event-loop-server");
        try (TcpProxy proxy = TcpProxy.start(loopback(server), TcpProxy.Faults.none().splitInto(1, Duration.ofMillis(2)));
             Socket client = connect(proxy.address())) {
            OutputStream out = client.getOutputStream();
            out.write(new UploadHeader(content.length, name).encode()); // one write; the proxy splits it
            out.flush();
            InputStream in = client.getInputStream();
            assertThat(new String(in.readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("go ahead");
            out.write(content);
            out.flush();
            assertThat(readLine(in)).isEqualTo("ok " + Hashes.hex(Hashes.sha256().digest(content)));
        } finally {
            server.close();
            loop.join(10_000);
        }
        assertThat(Files.readAllBytes(received.resolve(name))).isEqualTo(content);
    }

    @Test
    @Requirement("U10")
    void uploadCutInTheMiddleLeavesNoFileAndNoTemporaryFile() throws Exception {
        byte[] header = new UploadHeader(100_000, "cut.bin").encode();
        EventLoopUploadServer server = EventLoopUploadServer.bind(new InetSocketAddress("127.0.0.1", 0), received,
                LIMITS, ServerLog.silent());
        Thread loop = server.serveInBackground("event-loop-server");
        try (TcpProxy proxy = TcpProxy.start(loopback(server),
                TcpProxy.Faults.none().cutUpstreamAfter(header.length + 40_000));
             Socket client = connect(proxy.address())) {
            OutputStream out = client.getOutputStream();
            out.write(header);
            out.flush();
            assertThat(new String(client.getInputStream().readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("go ahead");
            try {
                out.write(bytes(60_000, 2)); // the proxy cuts after 40,000 of these bytes
                out.flush();
            } catch (IOException cut) {
                // the cut may already be visible to this writer; either way the server sees a broken upload
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.cuts() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
            try (Stream<Path> left = Files.list(received)) {
                assertThat(left).isEmpty(); // not cut.bin, not .cut.bin.<uuid>.part
            }
        } finally {
            server.close();
            loop.join(10_000);
        }
    }

    private static InetSocketAddress loopback(EventLoopUploadServer server) {
        return new InetSocketAddress("127.0.0.1", server.address().getPort());
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
