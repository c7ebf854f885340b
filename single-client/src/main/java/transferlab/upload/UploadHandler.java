package transferlab.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import transferlab.deadline.Deadline;
import transferlab.deadline.DeadlinePassedException;
import transferlab.server.ConnectionHandler;
import transferlab.server.ServerLog;
import transferlab.storage.Hashes;
import transferlab.storage.IncomingFile;
import transferlab.storage.ServedDirectory;

/**
 * The server side of protocol U for one connection, with blocking I/O. Stage 1 runs it from an
 * {@link transferlab.server.IterativeServer}; stage 2 runs this same class on many threads.
 *
 * <p>The steps, as in seed 004 (and resources/protocols/upload.md):
 * <ol>
 *   <li>read the header: 8 bytes of size and the name (see {@link #readHeader});</li>
 *   <li>check it, and answer {@code go ahead} or {@code error <code>: <detail>\n};</li>
 *   <li>read exactly {@code size} bytes into a temporary file, hashing them on the way;</li>
 *   <li>move the file into place and answer {@code ok <sha256-hex>\n}.</li>
 * </ol>
 * If anything fails on the way, the temporary file is deleted: a broken upload leaves nothing.
 * Every read waits at most until the connection's {@link Deadline} (idle timeout and transfer
 * deadline, U12 and U13) runs out; the disk steps and their refusals are {@link UploadStorage}'s.
 */
public final class UploadHandler implements ConnectionHandler {
    private static final int BUFFER_BYTES = 256 * 1024;

    private final UploadStorage storage;
    private final UploadLimits limits;
    private final ServerLog log;

    public UploadHandler(ServedDirectory directory, UploadLimits limits, ServerLog log) {
        this.storage = new UploadStorage(directory, log);
        this.limits = limits;
        this.log = log;
    }

    /** Convenience for the command line: serve into {@code directory}, creating it if needed. */
    public static UploadHandler into(Path directory, UploadLimits limits, ServerLog log) throws IOException {
        return new UploadHandler(new ServedDirectory(directory), limits, log);
    }

    @Override
    public void handle(Socket connection) throws IOException {
        SocketAddress peer = connection.getRemoteSocketAddress();
        Deadline deadline = Deadline.start(System.nanoTime(), limits.idleTimeout(), limits.transferDeadline());
        InputStream in = connection.getInputStream();
        OutputStream out = connection.getOutputStream();

        UploadHeader header;
        IncomingFile file;
        try {
            // One byte more than the longest header: if it fills, the name is too long (not cut short).
            byte[] headerBytes = new byte[UploadHeader.MAX_BYTES + 1];
            int length = readHeader(connection, in, headerBytes, deadline);
            header = UploadHeader.decode(headerBytes, length, limits);
            Path target = storage.place(header.name(), peer);
            file = storage.create(target, header.name(), peer); // before "go ahead" (U17)
        } catch (UploadRefusal refusal) {
            refuse(peer, out, refusal);
            return;
        }
        try (file) {
            out.write(UploadProtocol.GO_AHEAD);
            out.flush();
            String sha256 = receiveContent(connection, in, file, header, deadline, peer);
            storage.commit(file, header.name(), peer);
            log.event(peer, "stored " + header.name() + " (" + header.size() + " bytes, sha256 " + sha256 + ")");
            sendOk(out, sha256, peer);
        } catch (UploadRefusal refusal) {
            refuse(peer, out, refusal);
        } catch (IOException e) {
            log.event(peer, "upload of " + header.name() + " broken: " + e.getMessage() + "; nothing kept");
        }
    }

    /**
     * Reads the header, which has no length field for the name. Rule (U4): wait up to the idle
     * timeout for the first 9 bytes (size plus at least one name byte); after that, keep reading
     * while more bytes come within the settle window of the last one, up to 8 + 255 + 1 bytes (a
     * 256th name byte means the name is too long). A header split by a proxy into pieces closer
     * together than the window is read whole; the cost is that every upload waits one settle window
     * before "go ahead". The transfer deadline holds throughout, as it does in the event loop.
     */
    private int readHeader(Socket connection, InputStream in, byte[] header, Deadline deadline)
            throws IOException, UploadRefusal {
        // BEGIN SOLUTION
        // TODO(stage1.1): read the header whole: 9 bytes, then until the bytes pause for the settle window — U4
        int length = 0;
        try {
            while (length <= UploadHeader.SIZE_BYTES) {
                int n = deadline.read(connection, in, header, length, header.length - length);
                if (n < 0) {
                    throw new UploadRefusal("bad-header", "the connection closed after " + length + " header bytes");
                }
                length += n;
            }
        } catch (DeadlinePassedException e) {
            throw UploadRefusal.headerTimeout(deadline, e.passed(), length);
        }
        if (limits.headerSettle().isZero()) {
            return length;
        }
        // The settle window is an idle timeout of its own, under the same transfer deadline.
        Deadline settle = deadline.withIdleTimeout(System.nanoTime(), limits.headerSettle());
        try {
            while (length < header.length) {
                int n = settle.read(connection, in, header, length, header.length - length);
                if (n < 0) {
                    break; // the client half-closed after its header: the header is complete
                }
                length += n;
            }
        } catch (DeadlinePassedException e) {
            if (e.passed() == Deadline.Passed.TRANSFER_DEADLINE) {
                throw UploadRefusal.headerTimeout(deadline, e.passed(), length);
            }
            // No byte within the settle window: the header is complete.
        }
        return length;
        // END SOLUTION
    }

    /** Reads exactly {@code header.size()} bytes into {@code file}; returns their SHA-256 in hex. */
    private String receiveContent(Socket connection, InputStream in, IncomingFile file, UploadHeader header,
                                  Deadline deadline, SocketAddress peer) throws IOException, UploadRefusal {
        // BEGIN SOLUTION
        // TODO(stage1.3): receive exactly size bytes into the temporary file, hash them, return the hex — U3, U10
        long size = header.size();
        MessageDigest sha256 = Hashes.sha256();
        byte[] buffer = new byte[(int) Math.min(BUFFER_BYTES, Math.max(size, 1))];
        deadline.progress(System.nanoTime()); // "go ahead" went out: the idle clock starts again
        long received = 0;
        while (received < size) {
            int n;
            try {
                n = deadline.read(connection, in, buffer, 0, (int) Math.min(buffer.length, size - received));
            } catch (DeadlinePassedException e) {
                throw UploadRefusal.contentTimeout(deadline, e.passed(), received, size);
            }
            if (n < 0) {
                throw new IOException("the client closed after " + received + " of " + size + " bytes");
            }
            sha256.update(buffer, 0, n);
            storage.write(file, ByteBuffer.wrap(buffer, 0, n), header.name(), peer);
            received += n;
        }
        return Hashes.hex(sha256.digest());
        // END SOLUTION
    }

    private void sendOk(OutputStream out, String sha256, SocketAddress peer) {
        try {
            out.write((UploadProtocol.OK_PREFIX + sha256 + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // Seed clients close without reading "ok": the file is stored, so this is no failure.
            log.event(peer, "client left before the ok line (" + e.getMessage() + ")");
        }
    }

    private void refuse(SocketAddress peer, OutputStream out, UploadRefusal refusal) {
        log.event(peer, "refused: " + refusal.getMessage());
        try {
            out.write(refusal.wireLine());
            out.flush();
        } catch (IOException e) {
            // The client is gone already; there is nobody left to tell.
        }
    }
}
