package transferlab.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A protocol D client at the byte level, for the contract: it writes exactly the bytes a test gives
 * it and reads frames without any of our protocol code, so it can talk to any server and can also
 * send what a correct client never would. Given a sink for notes ({@link #open(InetSocketAddress,
 * Duration, Consumer)}, e.g. a test's {@code Timeline::note}) it tells what it sent and what came
 * back, for the grader's timeline of a failed test.
 */
public final class RawUpdateConnection implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Consumer<String> notes;

    private RawUpdateConnection(Socket socket, Consumer<String> notes) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.notes = notes;
    }

    /** Connects (within 10 s, scaled by {@link SuiteTimeouts}); every read gives up after {@code readTimeout}. */
    public static RawUpdateConnection open(InetSocketAddress server, Duration readTimeout) throws IOException {
        return open(server, readTimeout, note -> { });
    }

    /** The same, telling {@code notes} what it sends and reads. */
    public static RawUpdateConnection open(InetSocketAddress server, Duration readTimeout, Consumer<String> notes)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(server, Math.max(1, SuiteTimeouts.scaledMillis(10_000)));
            socket.setSoTimeout((int) Math.max(1, readTimeout.toMillis()));
            notes.accept("connected from port " + socket.getLocalPort());
            return new RawUpdateConnection(socket, notes);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** 2-byte big-endian length ‖ the UTF-8 bytes of {@code json}. */
    public static byte[] frame(String json) {
        return frame(json.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] frame(byte[] body) {
        byte[] frame = new byte[2 + body.length];
        frame[0] = (byte) (body.length >> 8);
        frame[1] = (byte) body.length;
        System.arraycopy(body, 0, frame, 2, body.length);
        return frame;
    }

    public static String poll(String clientId) {
        return "{\"client-id\": \"" + clientId + "\", \"request-type\": \"poll\"}";
    }

    public static String ack(String clientId, String fileHash) {
        return "{\"client-id\": \"" + clientId + "\", \"request-type\": \"ack\", \"file-hash\": \"" + fileHash + "\"}";
    }

    public void send(byte[] bytes) throws IOException {
        notes.accept("sending " + bytes.length + " bytes" + (bytes.length > 2 && bytes.length <= 202
                ? ": a frame " + new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_8) : ""));
        out.write(bytes);
        out.flush();
    }

    public void sendPoll(String clientId) throws IOException {
        send(frame(poll(clientId)));
    }

    public void sendAck(String clientId, String fileHash) throws IOException {
        send(frame(ack(clientId, fileHash)));
    }

    /** The next frame's JSON, or null if the server closed the connection before a frame began. */
    public JsonNode readHeader() throws IOException {
        int high = in.read();
        if (high < 0) {
            notes.accept("the server closed without a frame");
            return null;
        }
        int length = (high << 8) | in.readUnsignedByte();
        byte[] json = new byte[length];
        in.readFully(json);
        notes.accept("read a frame of " + length + " bytes: " + new String(json, StandardCharsets.UTF_8));
        return JSON.readTree(json);
    }

    public byte[] readPayload(long size) throws IOException {
        byte[] payload = new byte[Math.toIntExact(size)];
        in.readFully(payload);
        notes.accept("read " + size + " bytes of payload");
        return payload;
    }

    /** Reads exactly {@code n} bytes of a payload and throws them away. */
    public void readAndDrop(long n) throws IOException {
        in.skipNBytes(n);
        notes.accept("read past " + n + " bytes of payload");
    }

    /**
     * True if the server closed the connection (end of stream, or a reset) without sending a single
     * byte first; false if a byte arrived. A read timeout propagates: the server kept it open.
     */
    public boolean closedWithoutAByte() throws IOException {
        boolean closed;
        try {
            closed = in.read() < 0;
        } catch (EOFException e) {
            closed = true;
        } catch (SocketException reset) {
            // Closing with our unread bytes in its buffer makes the server's side send a reset.
            closed = true;
        }
        notes.accept(closed ? "the server closed without another byte" : "a byte came where the server should close");
        return closed;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
