package transferlab.contract.ft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.Requirement;
import transferlab.ft.FtClient;
import transferlab.ft.FtHandler;
import transferlab.ft.FtLimits;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;

/**
 * The transfer deadline of our list/get server (F14), which the contract cannot check on a server
 * whose limits it does not know. The idle timeout here is long and the deadline short, and every
 * client read waits less than the idle timeout: a test passes only if the deadline, not the idle
 * timeout, ended the request.
 */
class ReferenceFtDeadlineTest {
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration DEADLINE = Duration.ofMillis(300);
    /** Clearly below the idle timeout, clearly above the deadline. */
    private static final int READ_LIMIT_MILLIS = 8_000;

    @TempDir
    Path served;
    @TempDir
    Path downloads;
    private IterativeServer server;

    @BeforeEach
    void startServer() throws IOException {
        Files.writeString(served.resolve("alpha.txt"), "alpha\n");
        Files.write(served.resolve("big.bin"), new byte[16 << 20]);
        FtLimits limits = FtLimits.defaults().withIdleTimeout(IDLE_TIMEOUT).withTransferDeadline(DEADLINE);
        server = IterativeServer.bind(new InetSocketAddress("127.0.0.1", 0),
                FtHandler.serving(served, limits, ServerLog.silent()), ServerLog.silent());
        server.serveInBackground("ft-deadline");
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    @Test
    @Requirement("F14")
    void anUnfinishedCommandLineIsRefusedAtTheDeadline() throws Exception {
        try (Socket control = connect()) {
            control.getOutputStream().write("GET alpha.txt ".getBytes(StandardCharsets.UTF_8)); // and no more

            assertThat(readToEnd(control.getInputStream())).startsWith("ERROR timeout: ").contains("deadline");
        }
        assertNextClientIsServed();
    }

    @Test
    @Requirement("F14")
    void aDataConnectionNobodyReadsIsClosedAtTheDeadline() throws Exception {
        try (ServerSocket dataListener = new ServerSocket(); Socket control = connect()) {
            dataListener.setReceiveBufferSize(4096); // accepted sockets inherit it
            dataListener.bind(new InetSocketAddress("127.0.0.1", 0));
            dataListener.setSoTimeout(READ_LIMIT_MILLIS);
            control.getOutputStream().write(("GET big.bin " + dataListener.getLocalPort() + "\n")
                    .getBytes(StandardCharsets.UTF_8));

            try (Socket data = dataListener.accept()) {
                // The control connection ends once the server has given up on the data connection.
                assertThat(readToEnd(control.getInputStream())).isEqualTo("OK " + (16 << 20) + "\n");
                data.setSoTimeout(READ_LIMIT_MILLIS);
                assertThat(readToEnd(data.getInputStream()).length()).isLessThan(16 << 20);
            }
        }
        assertNextClientIsServed();
    }

    private void assertNextClientIsServed() throws IOException {
        FtClient client = new FtClient(Duration.ofMillis(READ_LIMIT_MILLIS),
                new PrintStream(OutputStream.nullOutputStream()));
        Path stored = client.get("127.0.0.1", server.address().getPort(), "alpha.txt", 0, downloads);
        assertThat(Files.readString(stored)).isEqualTo("alpha\n");
    }

    private Socket connect() throws IOException {
        Socket control = new Socket();
        control.connect(new InetSocketAddress("127.0.0.1", server.address().getPort()), READ_LIMIT_MILLIS);
        control.setSoTimeout(READ_LIMIT_MILLIS);
        return control;
    }

    /** Everything until the end of the stream (a reset counts as the end), as ISO-8859-1 text. */
    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // the end, abruptly
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
