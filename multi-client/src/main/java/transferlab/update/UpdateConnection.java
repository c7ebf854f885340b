package transferlab.update;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import transferlab.deadline.Deadline;
import transferlab.deadline.Expiring;
import transferlab.server.ServerLog;
import transferlab.storage.PlainFileName;

/**
 * One client of the {@link UpdateServer}: protocol D as a state machine ({@link UpdateConnectionState}).
 * The loop calls {@link #onReady} when the channel can make progress and {@link #onTimer} when the
 * connection's {@link Deadline} runs out; each call does what can be done without waiting on the
 * network and returns. Whatever goes wrong closes this connection only (D6). The files, what is on
 * offer and the hashes are the {@link Outbox}'s. Only the loop's thread touches an instance.
 */
final class UpdateConnection implements Expiring {
    /** The most file bytes handed to the socket per wake-up, so one fast client cannot starve the others. */
    static final int SEND_PIECE_BYTES = 1 << 20;

    private final SocketChannel channel;
    private final SelectionKey key;
    private final SocketAddress peer;
    private final Outbox outbox;
    private final UpdateLimits limits;
    private final ServerLog log;
    private final UpdateFrame.Collector frames;

    private UpdateConnectionState state = UpdateConnectionState.READING_POLL;
    private Deadline clock;          // idle timeout and the exchange deadline; a new one for each exchange
    private String clientId;         // known after the poll
    private Path queue;              // <outbox>/<client-id>
    private Outbox.QueuedFile offer; // the file on offer, from SENDING_OFFER until its ack
    private ByteBuffer offerFrame;
    private long sent;

    UpdateConnection(SocketChannel channel, SelectionKey key, SocketAddress peer, Outbox outbox, UpdateLimits limits,
                     ServerLog log, long now) {
        this.channel = channel;
        this.key = key;
        this.peer = peer;
        this.outbox = outbox;
        this.limits = limits;
        this.log = log;
        this.frames = new UpdateFrame.Collector(limits.maxRequestBytes());
        this.clock = Deadline.start(now, limits.idleTimeout(), limits.exchangeDeadline());
    }

    @Override
    public boolean isClosed() {
        return state == UpdateConnectionState.CLOSED;
    }

    /** The moment at which {@link #onTimer} has something to do, in System.nanoTime terms. */
    @Override
    public long nextExpiry() {
        return isClosed() ? Long.MAX_VALUE : clock.nextExpiry();
    }

    /** The channel is ready for what this state waits for: writing in SENDING_OFFER, reading otherwise. */
    void onReady(long now) {
        try {
            if (state == UpdateConnectionState.SENDING_OFFER) {
                sendMore(now);
            } else {
                readMore(now);
            }
        } catch (BadFrameException e) {
            close("bad frame: " + e.getMessage() + "; closed");
        } catch (IOException | RuntimeException | LinkageError e) {
            close("connection failed in " + state + ": " + e + "; closed");
        }
    }

    /** Called by the loop once {@code now} has reached {@link #nextExpiry()}: closes if a clock ran out (D14). */
    @Override
    public void onTimer(long now) {
        Deadline.Passed passed = clock.passed(now);
        if (passed == null || isClosed()) {
            return; // not due yet
        }
        close((passed == Deadline.Passed.IDLE_TIMEOUT ? clock.message(passed)
                : "the exchange deadline of " + limits.exchangeDeadline().toMillis() + " ms passed")
                + " in " + state + "; closed");
    }

    private void readMore(long now) throws IOException, BadFrameException {
        byte[] json;
        try {
            json = frames.readFrom(channel);
        } catch (EOFException e) {
            if (state == UpdateConnectionState.READING_ACK && frames.isEmpty()) {
                close("left without acknowledging " + offer.name() + "; it stays queued");
            } else {
                close("closed by the client in " + state + ": " + e.getMessage());
            }
            return;
        }
        clock.progress(now);
        if (json == null) {
            return; // more of the frame to come
        }
        UpdateRequest request = UpdateRequest.parse(json);
        if (state == UpdateConnectionState.READING_POLL) {
            if (!request.isPoll()) {
                throw new BadFrameException("a connection starts with a poll, not a '" + request.type() + "'");
            }
            queue = outbox.queueOf(request.clientId());
            clientId = request.clientId();
        } else {
            acknowledge(request);
        }
        offerNextOrClose();
    }

    /** D8, D9: only this client's ack of the hash on offer counts; anything else is a bad frame. */
    private void acknowledge(UpdateRequest request) throws BadFrameException, IOException {
        if (!request.isAck()) {
            throw new BadFrameException("expected the ack of " + offer.name() + ", got a '" + request.type() + "'");
        }
        if (!request.clientId().equals(clientId)) {
            throw new BadFrameException("an ack from client '" + PlainFileName.printable(request.clientId())
                    + "' on a connection that polled as '" + clientId + "'");
        }
        if (!request.fileHash().equals(offer.hash())) {
            throw new BadFrameException("an ack of " + request.fileHash() + ", but " + offer.name() + " ("
                    + offer.hash() + ") was offered");
        }
        Outbox.QueuedFile acknowledged = offer;
        offer = null;
        String what = switch (outbox.acknowledged(acknowledged)) {
            case REMOVED -> "; removed from the queue";
            case ALREADY_GONE -> ", already gone from the queue";
            case CHANGED_AND_KEPT -> ", but it changed since it was offered; kept for the next poll";
        };
        log.event(peer, clientId + ": acknowledged " + acknowledged.name() + what);
    }

    /** D10: the next file of the queue on this connection, or the close that says none is left (D5). */
    private void offerNextOrClose() throws IOException {
        Outbox.QueuedFile next = outbox.offerNext(queue);
        if (next == null) {
            close("nothing queued; closed");
            return;
        }
        offer = next; // from here on, close() withdraws it
        offerFrame = new UpdateOffer(next.name(), next.size(), next.hash()).encode();
        sent = 0;
        state = UpdateConnectionState.SENDING_OFFER;
        // A new exchange, offer to ack; its clock starts after the hashing, which may have taken a while.
        clock = Deadline.start(System.nanoTime(), limits.idleTimeout(), limits.exchangeDeadline());
        key.interestOps(SelectionKey.OP_WRITE);
        log.event(peer, clientId + ": offering " + next.name() + " (" + next.size() + " bytes, " + next.hash() + ")");
    }

    /**
     * Writes what the socket takes: first the offer's frame, then up to one piece of the file (D13).
     * The file is read only as fast as the socket takes it; nothing is buffered in between.
     *
     * <p>The file is open only during this call, not while the connection waits for the socket: so a
     * waiting connection holds one descriptor, its socket, and the loop's thread has at most one
     * file open at a time (the update server's descriptor ceiling counts sockets only, D14).
     */
    private void sendMore(long now) throws IOException {
        if (offerFrame.hasRemaining()) {
            if (channel.write(offerFrame) > 0) {
                clock.progress(now);
            }
            if (offerFrame.hasRemaining()) {
                return; // the socket buffer is full: wait for OP_WRITE
            }
        }
        if (sent < offer.size()) {
            try (FileChannel file = openOffered()) {
                long n = file.transferTo(sent, Math.min(SEND_PIECE_BYTES, offer.size() - sent), channel);
                if (n > 0) {
                    sent += n;
                    clock.progress(now);
                } else if (sent >= file.size()) {
                    throw new IOException(offer.name() + " shrank to " + file.size() + " bytes while it was sent ("
                            + offer.size() + " announced)");
                }
            }
        }
        if (sent == offer.size()) {
            state = UpdateConnectionState.READING_ACK;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    /**
     * The offered file, opened again for this piece. Between two pieces it may have been replaced
     * or rewritten; then the rest would not match the announced hash, so the connection closes
     * instead and the file stays queued (D9). The client's own hash check catches what this misses.
     */
    private FileChannel openOffered() throws IOException {
        FileChannel file = FileChannel.open(offer.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
            if (!offer.sameAs(Files.readAttributes(offer.path(), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS))) {
                throw new IOException(offer.name() + " changed while it was sent");
            }
            return file;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Closes the connection and logs why; a file on offer but not acknowledged stays queued (D9). Safe twice. */
    void close(String reason) {
        if (isClosed()) {
            return;
        }
        log.event(peer, clientId == null ? reason : clientId + ": " + reason);
        if (offer != null) {
            outbox.withdraw(offer, state == UpdateConnectionState.READING_ACK);
            offer = null;
        }
        state = UpdateConnectionState.CLOSED;
        key.cancel();
        closeQuietly(channel);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // closing on the way out: nothing left to do about it
        }
    }
}
