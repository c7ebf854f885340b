package transferlab.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A protocol U client at the byte level, for the contract: it sends exactly the bytes a test
 * chooses, when the test chooses, and reports exactly the bytes the server answered. Unlike our
 * {@code UploadClient} it checks nothing itself, so a test can send what no correct client would
 * (a 300-byte name, a size with the top bit set, half the content) and see what the server does.
 *
 * <pre>
 *   try (RawUploadClient client = RawUploadClient.connect(server.address())) {
 *       client.send(RawUploadClient.header(5, "hello.txt"));  // one write, as seed 004's client does
 *       byte[] answer = client.readBytes(8);                     // "go ahead"
 *       client.send("hello".getBytes(US_ASCII));
 *       String ok = client.readLine();                           // "ok 2cf24dba…\n"
 *   }
 * </pre>
 * Every read waits at most {@link #READ_TIMEOUT} (scaled by {@link SuiteTimeouts} when the client
 * connects), so a silent server fails a test instead of hanging it.
 */
public final class RawUploadClient implements AutoCloseable {
    /** The longest any read waits at timeout factor 1: far longer than any limit the contract configures. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** The longest reply line read; a server that sends more is broken. */
    public static final int MAX_LINE_BYTES = 4096;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawUploadClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawUploadClient connect(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        try {
            // At least 1 ms: a timeout of 0 would mean wait forever.
            int readTimeoutMillis = Math.max(1, SuiteTimeouts.scaledMillis(READ_TIMEOUT.toMillis()));
            socket.connect(server, readTimeoutMillis);
            socket.setSoTimeout(readTimeoutMillis);
            socket.setTcpNoDelay(true); // each send() leaves at once, as one piece
            return new RawUploadClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A header: {@code size} as 8 bytes big-endian, then {@code name} in UTF-8. */
    public static byte[] header(long size, String name) {
        return header(size, name.getBytes(StandardCharsets.UTF_8));
    }

    /** A header with a name given as raw bytes (which need not be valid UTF-8). */
    public static byte[] header(long size, byte[] name) {
        return ByteBuffer.allocate(Long.BYTES + name.length).putLong(size).put(name).array();
    }

    /** Sends {@code bytes} in one write. */
    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends the end of the stream (a half-close): the server reads end-of-stream, the client can still read. */
    public void finishSending() throws IOException {
        socket.shutdownOutput();
    }

    /** Reads {@code n} bytes, or fewer if the server closes first. */
    public byte[] readBytes(int n) throws IOException {
        return in.readNBytes(n);
    }

    /**
     * Reads one reply line including its {@code \n}; returns what came before the end of the stream
     * if the server closed first (without a {@code \n}), and null if it closed before any byte.
     * Replies are short, so they are read byte by byte; content never is.
     */
    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b = in.read();
        if (b < 0) {
            return null;
        }
        for (; b >= 0 && line.size() < MAX_LINE_BYTES; b = in.read()) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads the server's first answer: {@code "go ahead"} (exactly 8 bytes, no newline) or a whole
     * refusal line; null if the server closed without a byte.
     */
    public String readAnswer() throws IOException {
        byte[] first = readBytes(8);
        String text = new String(first, StandardCharsets.UTF_8);
        if (text.equals("go ahead") || first.length < 8 || text.indexOf('\n') >= 0) {
            return first.length == 0 ? null : text;
        }
        String rest = readLine();
        return rest == null ? text : text + rest;
    }

    /**
     * Everything until the server closes, as text: e.g. a refusal line, or "go ahead" and the "ok"
     * line of a short upload. A reset counts as the close.
     */
    public String readToEnd() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // closed, abruptly
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /**
     * True once the server has closed the connection: a read ends the stream or the connection was
     * reset (the server closed with bytes of ours unread). Blocks until then, or up to the read timeout.
     */
    public boolean serverClosed() throws IOException {
        try {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (n > 0) {
                    return false; // the server sent more after what the test expected
                }
            }
            return true;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
