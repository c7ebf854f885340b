package transferlab.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

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
 *
 * <p>Given a sink for notes ({@link #connect(InetSocketAddress, Consumer)}), the client tells what it
 * sent and what came back, in protocol terms ("sent 17 bytes: header, size 5, name hello.txt";
 * "read 'go ahead'"; "nothing came within 10.0 s"): the grader prints these on the test's clock
 * beside the server's own lines when the test fails.
 */
public final class RawUploadClient implements AutoCloseable {
    /** The longest any read waits at timeout factor 1: far longer than any limit the contract configures. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** The longest reply line read; a server that sends more is broken. */
    public static final int MAX_LINE_BYTES = 4096;

    /** How much of what was sent or read a note quotes. */
    private static final int QUOTED_BYTES = 40;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Consumer<String> notes;

    private RawUploadClient(Socket socket, Consumer<String> notes) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.notes = notes;
    }

    public static RawUploadClient connect(InetSocketAddress server) throws IOException {
        return connect(server, note -> { });
    }

    /** Connects, and tells {@code notes} what it sends and reads (e.g. a test's {@code Timeline::note}). */
    public static RawUploadClient connect(InetSocketAddress server, Consumer<String> notes) throws IOException {
        Socket socket = new Socket();
        try {
            // At least 1 ms: a timeout of 0 would mean wait forever.
            int readTimeoutMillis = Math.max(1, SuiteTimeouts.scaledMillis(READ_TIMEOUT.toMillis()));
            socket.connect(server, readTimeoutMillis);
            socket.setSoTimeout(readTimeoutMillis);
            socket.setTcpNoDelay(true); // each send() leaves at once, as one piece
            notes.accept("connected from port " + socket.getLocalPort());
            return new RawUploadClient(socket, notes);
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
        String header = describeHeader(bytes);
        notes.accept("sending " + bytes.length + " bytes" + (!header.isEmpty() ? header
                : bytes.length <= QUOTED_BYTES ? ": " + quote(bytes, bytes.length) : ""));
        out.write(bytes);
        out.flush();
    }

    /** Sends the end of the stream (a half-close): the server reads end-of-stream, the client can still read. */
    public void finishSending() throws IOException {
        socket.shutdownOutput();
        notes.accept("half-closed: the client sends nothing more");
    }

    /** Reads {@code n} bytes, or fewer if the server closes first. */
    public byte[] readBytes(int n) throws IOException {
        byte[] read = timed(() -> in.readNBytes(n));
        notes.accept(read.length < n ? "the server closed after " + read.length + " of the " + n + " bytes awaited: "
                + quote(read, read.length) : "read " + quote(read, read.length));
        return read;
    }

    /**
     * Reads one reply line including its {@code \n}; returns what came before the end of the stream
     * if the server closed first (without a {@code \n}), and null if it closed before any byte.
     * Replies are short, so they are read byte by byte; content never is.
     */
    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b = timed(in::read);
        if (b < 0) {
            notes.accept("the server closed without a line");
            return null;
        }
        for (; b >= 0 && line.size() < MAX_LINE_BYTES; b = timed(in::read)) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        notes.accept("read the line " + quote(line.toByteArray(), line.size()));
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
        notes.accept("the server closed after sending " + quote(all.toByteArray(), all.size()));
        return all.toString(StandardCharsets.UTF_8);
    }

    /**
     * True once the server has closed the connection: a read ends the stream or the connection was
     * reset (the server closed with bytes of ours unread). Blocks until then, or up to the read timeout.
     */
    public boolean serverClosed() throws IOException {
        try {
            byte[] buffer = new byte[8192];
            for (int n; (n = timed(() -> in.read(buffer))) >= 0; ) {
                if (n > 0) {
                    notes.accept("the server sent more: " + quote(buffer, n));
                    return false; // the server sent more after what the test expected
                }
            }
            notes.accept("the server closed the connection");
            return true;
        } catch (SocketException reset) {
            notes.accept("the server reset the connection");
            return true;
        }
    }

    private interface Read<T> {
        T run() throws IOException;
    }

    /** Runs a read; a read that timed out is noted with how long it waited. */
    private <T> T timed(Read<T> read) throws IOException {
        try {
            return read.run();
        } catch (SocketTimeoutException e) {
            notes.accept(String.format(Locale.ROOT, "nothing came within %.1f s (the read timed out)",
                    socket.getSoTimeout() / 1000.0));
            throw e;
        }
    }

    /** " (as a header: size 5, name 'hello.txt')" when {@code bytes} may be one, else nothing. */
    private static String describeHeader(byte[] bytes) {
        if (bytes.length < Long.BYTES || bytes.length > Long.BYTES + 512 || bytes[0] != 0) {
            return "";
        }
        long size = ByteBuffer.wrap(bytes).getLong();
        return " (as a header: size " + size + ", name " + quote(java.util.Arrays.copyOfRange(bytes, Long.BYTES,
                bytes.length), bytes.length - Long.BYTES) + ")";
    }

    /** The first bytes as text, control bytes escaped, e.g. 'go ahead' or 'ok 2cf2…\\n'. */
    private static String quote(byte[] bytes, int length) {
        StringBuilder text = new StringBuilder("'");
        for (int i = 0; i < Math.min(length, QUOTED_BYTES); i++) {
            int b = bytes[i] & 0xFF;
            text.append(b == '\n' ? "\\n" : b >= 0x20 && b < 0x7F ? String.valueOf((char) b)
                    : String.format(Locale.ROOT, "\\x%02x", b));
        }
        return text.append(length > QUOTED_BYTES ? "…' (" + length + " bytes)" : "'").toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
