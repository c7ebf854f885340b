package transferlab.update;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import transferlab.deadline.Deadline;
import transferlab.server.AcceptPause;
import transferlab.server.AcceptFailures;
import transferlab.server.BusyRefusal;
import transferlab.server.ConnectionsPerAddress;
import transferlab.server.PeerTable;
import transferlab.server.ServerLog;
import transferlab.server.TcpServer;
import transferlab.storage.ServedDirectory;

/**
 * The server of the polling update service (protocol D, seed 002): one thread on a {@link Selector},
 * non-blocking channels, as in the seed's {@code select} server.
 *
 * <p>A client's queue is the directory {@code <outbox>/<client-id>/}; an operator drops files there
 * (written under a hidden name starting with a dot and renamed, so that no half-written file is
 * offered). When a client polls, the server offers the first queued file in name order: a JSON header
 * with name, size and {@code sha256:<hex>}, then the file's bytes. The file leaves the queue only when
 * the client acknowledges that hash on the same connection; then the next file is offered on that
 * connection, and when the queue is empty the server closes it. Delivery is at least once.
 *
 * <pre>
 *   $ ./transfer update-server --port 5002 --outbox outbox
 *   listening on 0.0.0.0:5002
 *   12:00:01.204 127.0.0.1:40312 laptop-7: offering patch-1.bin (20480 bytes, sha256:5c0e…)
 *   12:00:01.209 127.0.0.1:40312 laptop-7: acknowledged patch-1.bin; removed from the queue
 *   12:00:01.209 127.0.0.1:40312 laptop-7: nothing queued; closed
 * </pre>
 *
 * <p>Three parts: this class is the loop (accept, wait, dispatch, timers); each client connection
 * is an {@link UpdateConnection}, a state machine; the files are the {@link Outbox}'s (the queues,
 * what is on offer, the remembered hashes). Two connections of the same client at once never get the
 * same file: a file on offer to one connection is skipped for the others until it is acknowledged or
 * that connection closes. The sha256 of a queued file is computed on the loop thread when it is first
 * offered and kept; hashing a very large file once delays the other connections by about a second
 * per GiB.
 */
public final class UpdateServer implements TcpServer {
    /**
     * What one connection costs of the process's file descriptors: its socket. The file on offer is
     * open only while a piece of it is written ({@link UpdateConnection}), so the files open at once
     * are at most one, plus one being hashed, both within {@link transferlab.server.DescriptorBudget#RESERVE}.
     */
    public static final int DESCRIPTORS_PER_CONNECTION = 1;

    private static final byte[] NO_BUSY_LINE = new byte[0]; // protocol D has no busy message (update.md, D14)

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final Outbox outbox;
    private final UpdateLimits limits;
    private final ServerLog log;
    private final Set<UpdateConnection> connections = new HashSet<>(); // the loop's thread only
    private final PeerTable<UpdateConnection> peers;     // the same, with each one's peer address
    private final ConnectionsPerAddress perAddress;
    private SelectionKey acceptKey;        // the loop's thread only, like the field below
    private final AcceptPause acceptPause = new AcceptPause(); // after a failed accept, for a moment

    // close() may come from any thread, before, during or after serve(): the lock orders the two.
    private final Object lifecycle = new Object();
    private volatile boolean closed;
    private boolean serving;

    private UpdateServer(ServerSocketChannel listener, Selector selector, ServedDirectory outbox, UpdateLimits limits,
                         ServerLog log) {
        this.listener = listener;
        this.selector = selector;
        this.outbox = new Outbox(outbox);
        this.limits = limits;
        this.perAddress = new ConnectionsPerAddress(limits.maxPerAddress(), connection -> { }); // D: no busy line
        this.peers = new PeerTable<>(perAddress);
        this.acceptKey = listener.keyFor(selector);
        this.log = log;
    }

    /**
     * Binds to {@code address} (port 0 picks a free port) and returns the server, not yet serving.
     * The outbox directory is created if it does not exist.
     */
    public static UpdateServer bind(InetSocketAddress address, Path outbox, UpdateLimits limits, ServerLog log)
            throws IOException {
        ServedDirectory served = new ServedDirectory(outbox);
        // An IPv4 address (0.0.0.0 included) gets an IPv4 socket, so that it prints as it was asked for.
        ServerSocketChannel listener = address.getAddress() instanceof Inet4Address
                ? ServerSocketChannel.open(StandardProtocolFamily.INET) : ServerSocketChannel.open();
        Selector selector = Selector.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(address, DEFAULT_BACKLOG);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            listener.close();
            selector.close();
            throw e;
        }
        return new UpdateServer(listener, selector, served, limits, log);
    }

    @Override
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the server is closed", e);
        }
    }

    /*
     * The loop. Each client connection is in one of these states (UpdateConnectionState); the loop
     * waits on the Selector for the event in the second column, and at the latest until the nearest
     * expiry of any connection's clock (third column; each connection's Deadline), whichever comes
     * first. EventLoopUploadServer's loop waits the same way: no fixed tick, every timeout is exact.
     *
     *   state          waits for  clock                        when it runs out  on the event
     *   -------------  ---------  ---------------------------  ----------------  ----------------------------------
     *   READING_POLL   OP_READ    idle timeout, and the        close             a whole poll: offer the first
     *                             deadline from the accept                       queued file, or close (D5)
     *   SENDING_OFFER  OP_WRITE   idle timeout, and a new      close; the file   write the frame, then at most
     *                             deadline from this offer     stays queued      1 MiB of the file (D13); all
     *                                                                            sent: READING_ACK
     *   READING_ACK    OP_READ    idle timeout, and the same   close; the file   the ack: remove the file (D9),
     *                             deadline (offer to ack)      stays queued      offer the next, or close
     *   CLOSED         -          -                            -                 removed from the loop
     *
     * The idle timeout restarts with every byte either way; the deadline is the exchange deadline.
     * A bad frame, in any state, closes that connection only (D6). Beyond limits.maxConnections()
     * open connections, a new one is closed at accept without a byte (BusyRefusal; D14).
     */
    @Override
    public void serve() throws IOException {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            serving = true;
        }
        try {
            while (!closed) {
                int open = connections.size();
                long wait = Deadline.fireExpired(connections, System.nanoTime()); // closes the timed-out ones
                if (connections.size() != open) {
                    forgetClosed(); // their addresses' counts, too
                }
                // As in EventLoopUploadServer: events or the nearest expiry, then the lambda per ready key.
                selector.select(key -> {
                    if (key.channel() == listener) {
                        acceptAll(System.nanoTime());
                    } else if (key.isValid()) {
                        serveOne((UpdateConnection) key.attachment(), System.nanoTime());
                    }
                }, acceptPause.resumeWhenDue(acceptKey, System.nanoTime(), wait));
            }
        } finally {
            closeEverything();
        }
    }

    /** Stops the loop and closes every connection; files on offer stay queued. */
    @Override
    public void close() throws IOException {
        synchronized (lifecycle) {
            closed = true;
            if (!serving) {
                closeEverything();
                return;
            }
        }
        selector.wakeup();
    }

    private void serveOne(UpdateConnection connection, long now) {
        connection.onReady(now);
        if (connection.isClosed()) {
            forget(connection);
        }
    }

    private void acceptAll(long now) {
        try {
            for (SocketChannel channel; (channel = listener.accept()) != null; ) { // null: every waiting client taken
                take(channel, now);
            }
        } catch (IOException e) {
            // Out of file descriptors, say: go on with the connections we have, and stop selecting for
            // accept a moment, or the still-ready listener would spin the loop (issue 11, item 6a).
            log.info("accept failed: " + e + "; trying again in " + AcceptFailures.PAUSE_MILLIS + " ms");
            acceptPause.start(acceptKey, now);
        }
    }

    /** A new connection enters the loop in READING_POLL, or is turned away over the limit (D14). */
    private void take(SocketChannel channel, long now) {
        if (connections.size() >= limits.maxConnections()) {
            BusyRefusal.refuse(channel, NO_BUSY_LINE, log, connections.size() + " connections open, the limit is "
                    + limits.maxConnections());
            return;
        }
        SocketAddress counted = null;
        try {
            SocketAddress peer = channel.getRemoteAddress();
            if (!perAddress.tryAdd(peer)) { // one host may not hold every slot (D14)
                BusyRefusal.refuse(channel, NO_BUSY_LINE, log, "more than " + perAddress.max()
                        + " connections from this address");
                return;
            }
            counted = peer;
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            UpdateConnection connection = new UpdateConnection(channel, key, peer, outbox, limits, log, now);
            key.attach(connection);
            connections.add(connection);
            peers.add(connection, peer);
        } catch (IOException | RuntimeException | LinkageError e) {
            log.info("a connection failed as it was accepted: " + e); // gone already, say
            closeQuietly(channel);
            if (counted != null) {
                perAddress.remove(counted);
            }
        }
    }

    /** A closed connection leaves the table, and its address's count. */
    private void forget(UpdateConnection connection) {
        connections.remove(connection);
        peers.forget(connection);
    }

    /** The same for every connection the timers closed (Deadline.fireExpired took them off the table). */
    private void forgetClosed() {
        peers.forgetClosed(UpdateConnection::isClosed);
    }

    private void closeEverything() throws IOException {
        for (UpdateConnection connection : connections) {
            connection.close("the server stopped; closed");
        }
        connections.clear();
        peers.clear();
        listener.close();
        selector.close();
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket can only fail if it is gone already.
        }
    }
}
