package transferlab.upload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import transferlab.progress.TransferProgress;
import transferlab.storage.Hashes;
import transferlab.storage.PlainFileName;
import transferlab.throttle.Throttle;

/**
 * The client side of protocol U: send one file to an upload server.
 *
 * <ol>
 *   <li>connect, and send size and name in one write (the server finds the end of the name by
 *       the pause that follows);</li>
 *   <li>read the 8-byte {@code go ahead}, or an {@code error …} line;</li>
 *   <li>send exactly {@code size} bytes of content, hashing them on the way;</li>
 *   <li>read {@code ok <sha256>} and compare it with the hash of what was sent.</li>
 * </ol>
 * A server that closes cleanly right after the content, without an {@code ok} line (seed 004's
 * servers never send one), gives a result that is stored but not {@link UploadResult#confirmed()
 * confirmed}; an {@code error …} line or a reset connection is a failure.
 */
public final class UploadClient {
    private static final int BUFFER_BYTES = 256 * 1024;
    private final Duration idleTimeout;
    private final long bytesPerSecond;

    public UploadClient(Duration idleTimeout) {
        this(idleTimeout, 0);
    }

    /** A client that sends content at most {@code bytesPerSecond} (0: as fast as it can). */
    public UploadClient(Duration idleTimeout, long bytesPerSecond) {
        this.idleTimeout = idleTimeout;
        this.bytesPerSecond = bytesPerSecond;
    }

    public UploadResult upload(InetSocketAddress server, Path file, String name, TransferProgress progress)
            throws IOException {
        long size = Files.size(file);
        try (Socket socket = new Socket()) {
            try {
                socket.connect(server, (int) idleTimeout.toMillis());
            } catch (IOException e) {
                throw new UploadFailedException("cannot connect to " + server.getHostString() + ":" + server.getPort()
                        + ": " + e.getMessage());
            }
            socket.setSoTimeout((int) idleTimeout.toMillis());
            long connected = System.nanoTime();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();

            out.write(new UploadHeader(size, name).encode());
            out.flush();
            expectGoAhead(in);
            long goAhead = System.nanoTime();

            MessageDigest sha256 = Hashes.sha256();
            Throttle throttle = new Throttle(bytesPerSecond);
            byte[] buffer = new byte[throttle.chunkBytes(BUFFER_BYTES)];
            long sent = 0;
            try (InputStream content = Files.newInputStream(file)) {
                for (int n; sent < size && (n = content.read(buffer, 0, (int) Math.min(buffer.length,
                        size - sent))) > 0; ) {
                    sha256.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    sent += n;
                    progress.advance(n);
                    throttle.pace(sent);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UploadFailedException("interrupted after " + sent + " of " + size + " bytes");
            }
            if (sent != size) {
                throw new UploadFailedException(file + " changed while it was sent: sent " + sent + " of " + size
                        + " bytes");
            }
            out.flush();

            String reply = readLine(in);
            String serverSha256;
            if (reply == null) {
                // A clean close right after the content: a seed 004 server, which never sends "ok".
                // (A server that closed with content unread would have reset the connection instead.)
                serverSha256 = null;
            } else if (reply.startsWith(UploadProtocol.OK_PREFIX)) {
                serverSha256 = reply.substring(UploadProtocol.OK_PREFIX.length()).trim();
            } else if (reply.startsWith(UploadProtocol.ERROR_PREFIX)) {
                throw new UploadFailedException("server refused: " + PlainFileName.printable(reply.trim()));
            } else {
                throw new UploadFailedException("server answered '" + PlainFileName.printable(reply) + "' instead of 'ok <sha256>'");
            }
            return new UploadResult(name, size, Hashes.hex(sha256.digest()), serverSha256,
                    connected, goAhead, System.nanoTime());
        }
    }

    /** Reads the 8 bytes of "go ahead"; anything else is the start of an error line. */
    private static void expectGoAhead(InputStream in) throws IOException {
        byte[] answer = in.readNBytes(UploadProtocol.GO_AHEAD.length);
        String text = new String(answer, StandardCharsets.UTF_8);
        if (text.equals("go ahead")) {
            return;
        }
        if (text.startsWith(UploadProtocol.ERROR_PREFIX.trim())) {
            String rest = readLine(in);
            throw new UploadFailedException("server refused: " + PlainFileName.printable((rest == null ? text : text + rest).trim()));
        }
        throw new UploadFailedException(answer.length < UploadProtocol.GO_AHEAD.length
                ? "server closed the connection before 'go ahead' (got '" + PlainFileName.printable(text) + "')"
                : "server answered '" + PlainFileName.printable(text) + "' instead of 'go ahead'");
    }

    /**
     * Reads up to a newline or the end of the stream, at most a bounded number of bytes; returns
     * null if the stream ended before the first byte. (Byte by byte is fine here: a reply line is
     * short and read once per upload, never the content.)
     */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b = in.read();
        if (b < 0) {
            return null;
        }
        for (; line.size() < UploadProtocol.MAX_REPLY_LINE_BYTES && b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
