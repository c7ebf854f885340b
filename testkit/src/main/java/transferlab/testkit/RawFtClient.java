package transferlab.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * A protocol F (LIST/GET, seed 003) client at the byte level, for the contract: it writes exactly
 * the command bytes a test chooses, listens on its own data port and records exactly what came
 * back on both connections. Unlike our {@code FtClient} it checks nothing itself.
 *
 * <pre>
 *   RawFtClient client = new RawFtClient(Duration.ofSeconds(10));
 *   Exchange exchange = client.exchange(server.address(), "GET alpha.txt {port}\n");
 *   exchange.reply();   // "OK 6"
 *   exchange.data();    // the 6 bytes of alpha.txt
 * </pre>
 * {@code {port}} in a command is replaced by the client's data port. Given a sink for notes (e.g. a
 * test's {@code Timeline::note}) it tells what it sent and what came back on both connections, for
 * the grader's timeline of a failed test.
 */
public final class RawFtClient {
    /** The longest reply line read; a server that sends more is broken. */
    public static final int MAX_LINE_BYTES = 1024;

    private final int waitMillis;
    private final Consumer<String> notes;

    /**
     * @param wait how long any connect, accept or read waits before the test fails (already scaled;
     *             a server may first have to drop an earlier, silent client, so allow its idle timeout)
     */
    public RawFtClient(Duration wait) {
        this(wait, note -> { });
    }

    /** The same, telling {@code notes} what it sends and reads. */
    public RawFtClient(Duration wait, Consumer<String> notes) {
        this.waitMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, wait.toMillis()));
        this.notes = notes;
    }

    /**
     * What the client saw for one command.
     *
     * @param reply                    the first line on the control connection, without {@code \n}
     * @param data                     the bytes of the data connection up to its end ({@code null}: none came)
     * @param dataConnectedTo          the address the server connected to (ours)
     * @param dataCameFrom             the address the data connection came from (the server's)
     * @param controlClosedAfterwards  whether the server closed the control connection at the end
     * @param dataConnectionAfterError whether a data connection arrived although the reply was not OK
     */
    public record Exchange(String reply, byte[] data, InetAddress dataConnectedTo, InetAddress dataCameFrom,
                           boolean controlClosedAfterwards, boolean dataConnectionAfterError) {
    }

    /** Sends {@code command} from 127.0.0.1 to {@code target}, listening for the data on 127.0.0.1. */
    public Exchange exchange(InetSocketAddress target, String command) throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        return exchange(null, loopback, target, command);
    }

    /**
     * Listens on a free port of {@code listenOn}, connects (from {@code controlFrom}, if given) to
     * {@code target}, writes the command's bytes, reads the reply line; after OK accepts one data
     * connection and reads it to its end; otherwise checks that no data connection came.
     */
    public Exchange exchange(InetAddress controlFrom, InetAddress listenOn, InetSocketAddress target, String command)
            throws IOException {
        return exchange(controlFrom, listenOn, target,
                port -> command.replace("{port}", String.valueOf(port)).getBytes(StandardCharsets.UTF_8), false);
    }

    /**
     * The same with the command's bytes made from our data port by {@code command}; with
     * {@code halfClose} the client ends its side of the control connection after the command.
     */
    public Exchange exchange(InetAddress controlFrom, InetAddress listenOn, InetSocketAddress target,
                             IntFunction<byte[]> command, boolean halfClose) throws IOException {
        try (ServerSocketChannel dataListener = ServerSocketChannel.open(); Socket control = new Socket()) {
            dataListener.bind(new InetSocketAddress(listenOn, 0));
            dataListener.socket().setSoTimeout(waitMillis);
            if (controlFrom != null) {
                control.bind(new InetSocketAddress(controlFrom, 0));
            }
            control.connect(target, waitMillis);
            control.setSoTimeout(waitMillis);
            int dataPort = dataListener.socket().getLocalPort();
            byte[] commandBytes = command.apply(dataPort);
            notes.accept("listening for data on port " + dataPort + "; control connected from port "
                    + control.getLocalPort() + "; sending " + commandBytes.length + " bytes: '"
                    + new String(commandBytes, StandardCharsets.UTF_8).replace("\n", "\\n") + "'");
            control.getOutputStream().write(commandBytes);
            control.getOutputStream().flush();
            if (halfClose) {
                control.shutdownOutput();
                notes.accept("half-closed the control connection");
            }
            String reply = readLine(control.getInputStream());
            notes.accept("read the reply '" + reply + "'");

            if (reply.startsWith("OK ")) {
                try (Socket data = acceptData(dataListener, control, reply)) {
                    notes.accept("accepted the data connection from " + data.getRemoteSocketAddress());
                    data.setSoTimeout(waitMillis);
                    byte[] bytes = data.getInputStream().readAllBytes();
                    notes.accept("read " + bytes.length + " bytes of data, then its end");
                    boolean closed = readToEnd(control.getInputStream()).length == 0;
                    notes.accept(closed ? "the server closed the control connection"
                            : "the server sent more on the control connection");
                    return new Exchange(reply, bytes, data.getLocalAddress(), data.getInetAddress(), closed, false);
                }
            }
            // Not OK: once the server has closed the control connection, any data connection it
            // made would be waiting in our listener's queue already.
            readToEnd(control.getInputStream());
            dataListener.configureBlocking(false);
            try (SocketChannel unexpected = dataListener.accept()) {
                notes.accept("the server closed the control connection; "
                        + (unexpected != null ? "a data connection came anyway" : "no data connection came"));
                return new Exchange(reply, null, null, null, true, unexpected != null);
            }
        }
    }

    /**
     * Whether this system lets a socket bind to {@code address}: all of 127.0.0.0/8 is loopback on
     * Linux, so 127.0.0.2 is usable there, and a test of "the data connection follows the control
     * peer" can use it; elsewhere such a test assumes it away.
     */
    public static boolean canBind(InetAddress address) {
        try (Socket probe = new Socket()) {
            probe.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Accepts the data connection the server owes us after OK, with a message that says where we waited. */
    public static Socket acceptData(ServerSocketChannel dataListener, Socket control, String reply) throws IOException {
        try {
            return dataListener.socket().accept();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server answered '" + reply + "' but did not connect to "
                    + dataListener.socket().getLocalSocketAddress() + " within "
                    + dataListener.socket().getSoTimeout() + " ms (the control connection came from "
                    + control.getLocalSocketAddress() + ")", e);
        }
    }

    /**
     * Reads one line without its newline, at most {@link #MAX_LINE_BYTES}; a line cut by the end of the stream is
     * returned as is.
     */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; line.size() < MAX_LINE_BYTES && (b = in.read()) >= 0 && b != '\n'; ) {
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads until the server closes (the read timeout fails the test if it never does). A reset
     * counts as closed: a server that refuses a line it did not read to the end may reset.
     */
    public static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                rest.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // closed with a reset: still closed
        }
        return rest.toByteArray();
    }
}
