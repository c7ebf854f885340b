package transferlab.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import transferlab.server.ConnectionsPerAddress;
import transferlab.server.IterativeServer;
import transferlab.server.NamedThreads;
import transferlab.server.PooledServer;
import transferlab.server.ServerLog;
import transferlab.server.TcpServer;
import transferlab.server.ThreadPerClientServer;
import transferlab.testkit.RawUploadClient;
import transferlab.upload.UploadBusyHandler;
import transferlab.upload.UploadHandler;
import transferlab.upload.UploadLimits;

/**
 * Issue 11 item 6a: an accept() that fails while the listener is open (the process out of file
 * descriptors: EMFILE, "Too many open files") must not end a blocking server. It logs the failure,
 * pauses, and serves the client that waited in the backlog. Here the first two accepts fail as
 * EMFILE does; every blocking accept loop (iterative, also ftserver's; thread-per-client; pool).
 */
class AcceptFailureTest {
    @TempDir
    Path received;

    @ParameterizedTest
    @ValueSource(strings = {"iterative", "thread-per-client", "pool"})
    void aFailedAcceptIsLoggedAndTheWaitingClientServed(String mode) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        ServerLog log = new ServerLog(lines::add);
        UploadLimits limits = UploadLimits.defaults();
        ServerSocket listener = new FailingFirstAccepts(2);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        UploadHandler handler = UploadHandler.into(received, limits, log);
        UploadBusyHandler busy = new UploadBusyHandler("busy");
        TcpServer server = switch (mode) {
            case "iterative" -> new IterativeServer(listener, handler, log);
            case "thread-per-client" -> new ThreadPerClientServer(listener, handler, log, busy, 10,
                    new ConnectionsPerAddress(10, busy), NamedThreads.platform("accept-test-"));
            default -> new PooledServer(listener, handler, log, busy, 10, new ConnectionsPerAddress(10, busy), 2, 2);
        };
        Thread serving = server.serveInBackground("accept-failure-" + mode);
        try (RawUploadClient client = RawUploadClient.connect(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.address().getPort()))) {
            client.send(RawUploadClient.header(3, "ok.txt"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(new byte[3]);
            assertThat(client.readLine()).startsWith("ok ");
        } finally {
            server.close();
            serving.join(10_000);
        }
        assertThat(lines).filteredOn(line -> line.startsWith("accept failed: Too many open files")).hasSize(2);
    }

    /** A listener whose first accepts fail as they do when the process has no descriptor left. */
    private static final class FailingFirstAccepts extends ServerSocket {
        private final AtomicInteger failuresLeft;

        FailingFirstAccepts(int failures) throws IOException {
            this.failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public Socket accept() throws IOException {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new SocketException("Too many open files");
            }
            return super.accept();
        }
    }
}
