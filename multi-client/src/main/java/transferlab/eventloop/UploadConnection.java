package transferlab.eventloop;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import transferlab.deadline.Deadline;
import transferlab.deadline.Expiring;
import transferlab.server.ServerLog;
import transferlab.storage.Hashes;
import transferlab.storage.IncomingFile;
import transferlab.upload.UploadHeader;
import transferlab.upload.UploadLimits;
import transferlab.upload.UploadProtocol;
import transferlab.upload.UploadRefusal;
import transferlab.upload.UploadStorage;

/**
 * One client of the {@link EventLoopUploadServer}: protocol U as a state machine. The loop calls
 * {@link #onReadable}, {@link #onWritable} and {@link #onTimer}; each call does what can be done
 * without blocking on the network and returns. Every error stays inside this connection.
 *
 * <p>This is {@link transferlab.upload.UploadHandler}'s sequence of steps cut into pieces at each
 * point where the blocking version would wait, with the same {@link Deadline} and the same
 * {@link UploadStorage} steps: where the blocking version waits until the deadline's next expiry,
 * the loop calls {@link #onTimer} then. Only the loop's thread touches an instance.
 */
final class UploadConnection implements Expiring {
    private static final int MAX_DISCARD_READS = 4;

    private final SocketChannel channel;
    private final SelectionKey key;
    private final SocketAddress peer;
    private final UploadStorage storage;
    private final UploadLimits limits;
    private final ServerLog log;

    private ConnectionState state = ConnectionState.READING_HEADER;
    // One byte more than the longest header: if it fills, the name is too long (not cut short), as in UploadHandler.
    private final ByteBuffer headerBytes = ByteBuffer.allocate(UploadHeader.MAX_BYTES + 1);
    private boolean inputEnded;

    private Deadline clock;          // idle timeout and transfer deadline; for the reply, the idle timeout only
    private Deadline settleClock;    // the header's settle window, once it has its first 9 bytes; else null

    private UploadHeader header;
    private IncomingFile file;
    private MessageDigest sha256;
    private long received;

    private ByteBuffer outgoing;
    private boolean replyIsRefusal;

    UploadConnection(SocketChannel channel, SelectionKey key, UploadStorage storage, UploadLimits limits,
                     ServerLog log, long now) {
        this.channel = channel;
        this.key = key;
        this.peer = channel.socket().getRemoteSocketAddress();
        this.storage = storage;
        this.limits = limits;
        this.log = log;
        this.clock = Deadline.start(now, limits.idleTimeout(), limits.transferDeadline());
    }

    @Override
    public boolean isClosed() {
        return state == ConnectionState.CLOSED;
    }

    /** The channel has bytes (or end-of-stream) for us. {@code buffer} is the loop's shared read buffer. */
    void onReadable(long now, ByteBuffer buffer) {
        try {
            if (state == ConnectionState.READING_HEADER) {
                readHeader(now);
            } else if (state == ConnectionState.RECEIVING_CONTENT) {
                receiveContent(now, buffer);
            }
        } catch (IOException e) {
            broken("the connection failed: " + e.getMessage());
        }
    }

    /** The channel has room for the bytes we still have to send. */
    void onWritable(long now) {
        writeOutgoing(now);
    }

    /** The moment at which {@link #onTimer} has something to do, in System.nanoTime terms. */
    @Override
    public long nextExpiry() {
        if (state == ConnectionState.CLOSED) {
            return Long.MAX_VALUE;
        }
        // Header phase 1 waits for 9 bytes (idle timeout); phase 2 for the settle window only, as in stage 1.
        return settleClock != null ? settleClock.nextExpiry() : clock.nextExpiry();
    }

    /** Called by the loop once {@code now} has reached {@link #nextExpiry()}; whatever goes wrong stays here. */
    @Override
    public void onTimer(long now) {
        try {
            timeUp(now);
        } catch (RuntimeException e) {
            broken("unexpected " + e);
        }
    }

    private void timeUp(long now) {
        Deadline.Passed passed = (settleClock != null ? settleClock : clock).passed(now);
        if (passed == null || state == ConnectionState.CLOSED) {
            return; // not due yet
        }
        switch (state) {
            case READING_HEADER -> {
                if (settleClock != null && passed == Deadline.Passed.IDLE_TIMEOUT) {
                    headerComplete(now); // no byte within the settle window: the header is complete
                } else {
                    refuse(now, UploadRefusal.headerTimeout(clock, passed, headerBytes.position()));
                }
            }
            case SENDING_GO_AHEAD -> {
                if (passed == Deadline.Passed.IDLE_TIMEOUT) {
                    broken("the client did not take \"go ahead\" for " + limits.idleTimeout().toMillis() + " ms");
                } else {
                    refuse(now, UploadRefusal.contentTimeout(clock, passed, received, header.size()));
                }
            }
            case RECEIVING_CONTENT -> refuse(now, UploadRefusal.contentTimeout(clock, passed, received, header.size()));
            case SENDING_REPLY -> broken("the client did not take the reply for " + limits.idleTimeout().toMillis()
                    + " ms");
            default -> throw new IllegalStateException("no timer in " + state);
        }
    }

    /**
     * The header rule of {@link transferlab.upload.UploadHandler} (U4): wait up to the idle timeout
     * for 9 bytes; then keep reading while bytes come within the settle window of the last one, up to
     * 8 + 255 + 1 bytes (a 256th name byte means the name is too long). The settle window is a clock
     * of its own under the same transfer deadline ({@link #onTimer}); nothing here waits.
     */
    private void readHeader(long now) throws IOException {
        // BEGIN SOLUTION
        // TODO(stage2.3): read what the header has now, never block; complete it on a pause of one settle window — U4
        // STUB: throw new IOException("TODO(stage2.3): the event loop's header reading state");
        int n = channel.read(headerBytes);
        if (n < 0) {
            inputEnded = true;
            key.interestOps(0); // end-of-stream stays readable forever; stop asking
            if (headerBytes.position() > UploadHeader.SIZE_BYTES) {
                headerComplete(now); // the client half-closed after its header: the header is complete
            } else {
                refuse(now, new UploadRefusal("bad-header", "the connection closed after "
                        + headerBytes.position() + " header bytes"));
            }
            return;
        }
        if (n == 0) {
            return;
        }
        clock.progress(now);
        if (headerBytes.position() > UploadHeader.SIZE_BYTES) {
            if (!headerBytes.hasRemaining() || limits.headerSettle().isZero()) {
                headerComplete(now);
            } else if (settleClock == null) {
                settleClock = clock.withIdleTimeout(now, limits.headerSettle());
            } else {
                settleClock.progress(now);
            }
        }
        // END SOLUTION
    }

    private void headerComplete(long now) {
        settleClock = null;
        try {
            header = UploadHeader.decode(headerBytes.array(), headerBytes.position(), limits);
            Path target = storage.place(header.name(), peer);
            file = storage.create(target, header.name(), peer); // before "go ahead" (U17)
        } catch (UploadRefusal refusal) {
            refuse(now, refusal);
            return;
        }
        state = ConnectionState.SENDING_GO_AHEAD;
        outgoing = ByteBuffer.wrap(UploadProtocol.GO_AHEAD);
        writeOutgoing(now);
    }

    private void startContent(long now) {
        sha256 = Hashes.sha256();
        state = ConnectionState.RECEIVING_CONTENT;
        clock.progress(now);
        if (header.size() == 0) {
            finishContent(now);
        } else if (inputEnded) {
            broken("the client closed after 0 of " + header.size() + " bytes");
        } else {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    /**
     * One read of at most the buffer's capacity (never past {@code size}), hashed and written to the
     * file before this method returns, so nothing is buffered between calls: while the file is not
     * written, the next read does not happen, the kernel's socket buffer fills and TCP slows the client.
     */
    private void receiveContent(long now, ByteBuffer buffer) throws IOException {
        buffer.clear();
        buffer.limit((int) Math.min(buffer.capacity(), header.size() - received));
        int n = channel.read(buffer);
        if (n < 0) {
            broken("the client closed after " + received + " of " + header.size() + " bytes");
            return;
        }
        if (n == 0) {
            return;
        }
        clock.progress(now);
        buffer.flip();
        sha256.update(buffer);
        buffer.rewind();
        try {
            storage.write(file, buffer, header.name(), peer); // a blocking write into the page cache; see the server
        } catch (UploadRefusal refusal) {
            refuse(now, refusal);
            return;
        }
        received += n;
        if (received == header.size()) {
            finishContent(now);
        }
    }

    private void finishContent(long now) {
        String hex = Hashes.hex(sha256.digest());
        try {
            storage.commit(file, header.name(), peer);
        } catch (UploadRefusal refusal) {
            refuse(now, refusal);
            return;
        }
        log.event(peer, "stored " + header.name() + " (" + header.size() + " bytes, sha256 " + hex + ")");
        startReply(now, (UploadProtocol.OK_PREFIX + hex + "\n").getBytes(StandardCharsets.US_ASCII), false);
    }

    /** Answers {@code error <code>: <detail>\n} instead of "go ahead" or "ok", then closes. */
    private void refuse(long now, UploadRefusal refusal) {
        log.event(peer, "refused: " + refusal.getMessage());
        deleteTemporaryFile();
        startReply(now, refusal.wireLine(), true);
    }

    private void startReply(long now, byte[] line, boolean isRefusal) {
        state = ConnectionState.SENDING_REPLY;
        outgoing = ByteBuffer.wrap(line);
        replyIsRefusal = isRefusal;
        clock = Deadline.idleOnly(now, limits.idleTimeout()); // a reply goes out even after the deadline refused
        settleClock = null;
        writeOutgoing(now);
    }

    private void writeOutgoing(long now) {
        try {
            if (channel.write(outgoing) > 0) {
                clock.progress(now);
            }
        } catch (IOException e) {
            if (state == ConnectionState.SENDING_REPLY && !replyIsRefusal) {
                // Seed clients close without reading "ok": the file is stored, so this is no failure.
                log.event(peer, "client left before the ok line (" + e.getMessage() + ")");
                close();
            } else {
                broken("the client is gone: " + e.getMessage());
            }
            return;
        }
        if (outgoing.hasRemaining()) {
            key.interestOps(SelectionKey.OP_WRITE);
            return;
        }
        if (state == ConnectionState.SENDING_GO_AHEAD) {
            startContent(now);
        } else if (state == ConnectionState.SENDING_REPLY) {
            if (replyIsRefusal) {
                endOutputAndDiscardInput();
            }
            close();
        }
    }

    /**
     * After a refusal: end-of-stream after the line, and drop what the client already sent, so that
     * {@code close()} sends an orderly FIN rather than a reset that could overtake the line. Never waits.
     */
    private void endOutputAndDiscardInput() {
        try {
            channel.shutdownOutput();
            ByteBuffer discard = ByteBuffer.allocate(UploadHeader.MAX_BYTES);
            for (int i = 0; i < MAX_DISCARD_READS && !inputEnded; i++) {
                discard.clear();
                int n = channel.read(discard);
                inputEnded = n < 0;
                if (n == 0) {
                    break;
                }
            }
        } catch (IOException e) {
            // The client is gone already; close() follows.
        }
    }

    /** A broken upload: log why, keep nothing, close without a reply. */
    void broken(String reason) {
        String what = header != null ? "upload of " + header.name() : "connection";
        log.event(peer, what + " broken: " + reason + (file != null ? "; nothing kept" : ""));
        close();
    }

    /** Closes the channel and deletes the temporary file unless it was committed. Safe to call twice. */
    void close() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        state = ConnectionState.CLOSED;
        key.cancel();
        deleteTemporaryFile();
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket can only fail if it is gone already.
        }
    }

    private void deleteTemporaryFile() {
        if (file == null) {
            return;
        }
        try {
            file.close(); // deletes the temporary file unless it was committed
        } catch (IOException e) {
            log.event(peer, "could not delete the temporary file " + file.temporaryPath() + ": " + e.getMessage());
        }
        file = null;
    }
}
