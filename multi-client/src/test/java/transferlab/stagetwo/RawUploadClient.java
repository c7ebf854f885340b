package transferlab.stagetwo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import transferlab.upload.UploadHeader;

/**
 * A protocol U client that sends exactly the bytes a test asks for, when it asks: a header, part of
 * the content, a pause (by simply not sending), a close. Every read gives up after a few seconds so
 * that a broken server fails the test instead of hanging it.
 */
public final class RawUploadClient implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 5_000;
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
        socket.setTcpNoDelay(true);
        socket.connect(server, READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return new RawUploadClient(socket);
    }

    public RawUploadClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    public RawUploadClient sendHeader(long size, String name) throws IOException {
        return send(new UploadHeader(size, name).encode());
    }

    /** Ends this side's output (a half-close): the server reads end-of-stream. */
    public RawUploadClient shutdownOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** The server's first 8 bytes: "go ahead", or the start of an error line. */
    public String readAnswer() throws IOException {
        return new String(in.readNBytes(8), StandardCharsets.UTF_8);
    }

    /** Up to a newline or the end of the stream. */
    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Everything until the server closes: its answer and reply, as text. */
    public String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** True once the server has closed its side (a read returns end-of-stream, or the connection was reset). */
    public boolean serverClosed() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
