package transferlab.eventloop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import transferlab.deadline.Deadline;
import transferlab.server.AcceptPause;
import transferlab.server.AcceptFailures;
import transferlab.server.BusyRefusal;
import transferlab.server.ConnectionsPerAddress;
import transferlab.server.PeerTable;
import transferlab.server.ServerLog;
import transferlab.server.TcpServer;
import transferlab.storage.ServedDirectory;
import transferlab.upload.UploadBusyHandler;
import transferlab.upload.UploadLimits;
import transferlab.upload.UploadStorage;

/**
 * Protocol U for many clients on ONE thread: a {@link Selector} tells the loop which connections can
 * make progress, and each connection is a small state machine ({@link UploadConnection}) that does
 * what it can without waiting and returns. No thread per client, no pool.
 *
 * <pre>
 *   $ ./transfer upload-server --mode event-loop --port 5000 --dir received
 *   listening on 0.0.0.0:5000
 *   12:00:01.204 127.0.0.1:40312 stored notes.txt (1834 bytes, sha256 3f1c…)
 *   12:00:01.205 127.0.0.1:40318 refused: bad-name: the name 'a/b' contains '/'; send a plain file name
 * </pre>
 *
 * <p><b>Memory.</b> The loop owns one direct read buffer of {@link #READ_BUFFER_BYTES}, shared by all
 * connections: every read into it is hashed and written to that connection's file before the loop
 * moves on, so no connection needs a buffer of its own while receiving. A connection costs its
 * 263-byte header buffer, a digest and a reply line; 1,000 clients cost well under 1 MiB, where a
 * 256 KiB buffer each would cost 256 MiB of direct memory.
 *
 * <p><b>Back-pressure.</b> Nothing is buffered beyond that one read: the loop reads from a client
 * only as fast as it writes to the file. A client sending faster fills the kernel's socket buffer and
 * TCP's window stops it. Replies are at most one line.
 *
 * <p><b>Blocking file I/O.</b> {@code FileChannel.write}, creating the temporary file and the final
 * move are blocking calls on the loop's thread. They go to the page cache and take microseconds, so
 * the loop is held about as long as by the hashing; a disk that stalls would stall every client,
 * and the remedy then is to hand the writes to a small pool of file threads.
 */
public final class EventLoopUploadServer implements TcpServer {
    /** The one read buffer of the loop (direct: the kernel reads into it without an extra copy). */
    public static final int READ_BUFFER_BYTES = 256 * 1024;

    private final ServerSocketChannel listener;
    private final InetSocketAddress boundAddress;
    private final Selector selector;
    private final UploadStorage storage;
    private final UploadLimits limits;
    private final ServerLog log;
    private final byte[] busyLine;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final Set<UploadConnection> connections = new HashSet<>(); // the loop's thread only
    private final PeerTable<UploadConnection> peers;     // the same, with each one's peer address
    private final ConnectionsPerAddress perAddress;
    private final byte[] perAddressBusyLine;
    private final AtomicInteger openCount = new AtomicInteger();       // a copy of its size, for other threads
    private SelectionKey acceptKey;        // the loop's thread only, like the field below
    private final AcceptPause acceptPause = new AcceptPause(); // after a failed accept, for a moment
    private volatile boolean stopping;
    private volatile boolean serving;

    private EventLoopUploadServer(ServerSocketChannel listener, Selector selector, ServedDirectory directory,
                                  UploadLimits limits, ServerLog log) throws IOException {
        this.listener = listener;
        this.boundAddress = (InetSocketAddress) listener.getLocalAddress();
        this.selector = selector;
        this.storage = new UploadStorage(directory, log);
        this.limits = limits;
        this.log = log;
        this.busyLine = new UploadBusyHandler("already serving " + limits.maxConnections() + " clients at once")
                .wireLine();
        this.perAddress = UploadBusyHandler.perAddress(limits);
        this.peers = new PeerTable<>(perAddress);
        this.perAddressBusyLine = new UploadBusyHandler(UploadBusyHandler.perAddressDetail(limits)).wireLine();
    }

    /**
     * Binds to {@code address} (port 0 picks a free port) and returns the server, not yet serving;
     * files go into {@code directory} (created if needed).
     */
    public static EventLoopUploadServer bind(InetSocketAddress address, Path directory, UploadLimits limits,
                                             ServerLog log) throws IOException {
        ServedDirectory served = new ServedDirectory(directory);
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(address, DEFAULT_BACKLOG);
            listener.configureBlocking(false);
            return new EventLoopUploadServer(listener, Selector.open(), served, limits, log);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress address() {
        return boundAddress;
    }

    /** How many client connections the loop holds right now (read-only; for tests and monitoring). */
    public int openConnections() {
        return openCount.get();
    }

    /*
     * The loop. Each client connection is in one of these states (ConnectionState); the loop waits
     * on the Selector for the event in the second column, and at the latest until the earliest
     * timeout of any connection (third column; each connection's Deadline), whichever comes first.
     * UpdateServer's loop waits the same way: no fixed tick, every timeout fires when it is due.
     *
     *   state              waits for          timeout that applies              when it expires
     *   -----------------  -----------------  --------------------------------  -------------------------------
     *   READING_HEADER     OP_READ            idle timeout since the last byte  error timeout, close
     *     (< 9 bytes)                         and the transfer deadline
     *   READING_HEADER     OP_READ            header settle window since the    header complete: decode it,
     *     (>= 9 bytes)                        last byte, and the deadline       go ahead or error bad-…
     *   SENDING_GO_AHEAD   OP_WRITE (only     idle timeout since the last       close (the client reads
     *                      if 8 bytes did     written byte, and the deadline    nothing)
     *                      not fit at once)
     *   RECEIVING_CONTENT  OP_READ            idle timeout since the last byte  error timeout, close;
     *                                         and the transfer deadline         the temporary file is deleted
     *   SENDING_REPLY      OP_WRITE (only     idle timeout since the last       close (the file, if stored,
     *                      if the line did    written byte; not the deadline    stays stored)
     *                      not fit at once)
     *   CLOSED             -                  -                                 removed from the loop
     *
     * The transfer deadline runs from accept to the reply. Beyond limits.maxConnections() open
     * connections, a new one gets "error busy: ..." and is closed without entering the table.
     */
    @Override
    public void serve() throws IOException {
        serving = true;
        acceptKey = listener.register(selector, SelectionKey.OP_ACCEPT);
        try {
            while (!stopping || !connections.isEmpty()) {
                if (stopping && acceptKey.isValid()) {
                    acceptKey.cancel(); // close() was called: accept no more, let the running uploads finish
                    listener.close();
                }
                int open = connections.size();
                long wait = Deadline.fireExpired(connections, System.nanoTime()); // closes the timed-out ones
                if (connections.size() != open) {
                    forgetClosed(); // their addresses' counts, too
                }
                openCount.set(connections.size());
                // Waits for events or the nearest expiry, then runs the lambda once per ready key (and
                // empties the selected set): the usual loop over selectedKeys(), written by the JDK.
                selector.select(key -> {
                    if (key == acceptKey) {
                        acceptAll(System.nanoTime());
                    } else if (key.isValid()) {
                        serveOne((UploadConnection) key.attachment(), key, System.nanoTime());
                    }
                }, acceptPause.resumeWhenDue(acceptKey, System.nanoTime(), wait));
            }
        } finally {
            listener.close();
            for (UploadConnection connection : connections) {
                connection.broken("the server stopped");
            }
            connections.clear();
            peers.clear();
            openCount.set(0);
            selector.close();
        }
    }

    /** One ready connection: one step of its state machine. Whatever goes wrong stays in this connection. */
    private void serveOne(UploadConnection connection, SelectionKey key, long now) {
        try {
            if (key.isReadable()) {
                connection.onReadable(now, readBuffer);
            } else if (key.isWritable()) {
                connection.onWritable(now);
            }
        } catch (RuntimeException | LinkageError e) {
            // Even an error of the JVM's (a class that failed to load when descriptors ran out) ends
            // this connection only, never the loop that serves all the others (issue 11, item 6a).
            connection.broken("unexpected " + e);
        }
        if (connection.isClosed()) {
            forget(connection);
            openCount.set(connections.size());
        }
    }

    private void acceptAll(long now) {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                // Out of file descriptors, say: the client waits in the backlog. Stop selecting for
                // accept a moment, or the still-ready listener would spin the loop (as nginx does).
                log.info("accept failed: " + e.getMessage() + "; trying again in "
                        + AcceptFailures.PAUSE_MILLIS + " ms");
                acceptPause.start(acceptKey, now);
                return;
            }
            if (channel == null) {
                return; // every waiting client was taken
            }
            SocketAddress counted = null;
            try {
                channel.configureBlocking(false);
                SocketAddress peer = channel.getRemoteAddress();
                if (connections.size() >= limits.maxConnections()) {
                    // "error busy: …", end of stream, drop what the client sent already, close; never waits.
                    BusyRefusal.refuse(channel, busyLine, log, "more than " + limits.maxConnections() + " connections");
                    continue;
                }
                if (!perAddress.tryAdd(peer)) { // one host may not hold every slot
                    BusyRefusal.refuse(channel, perAddressBusyLine, log, "more than " + perAddress.max()
                            + " connections from this address");
                    continue;
                }
                counted = peer;
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                UploadConnection connection = new UploadConnection(channel, key, storage, limits, log, now);
                key.attach(connection);
                connections.add(connection);
                peers.add(connection, peer);
                openCount.set(connections.size());
            } catch (IOException | RuntimeException | LinkageError e) {
                log.info("could not take a connection: " + e);
                closeQuietly(channel);
                if (counted != null) {
                    perAddress.remove(counted);
                }
            }
        }
    }

    /** A closed connection leaves the table, and its address's count. */
    private void forget(UploadConnection connection) {
        connections.remove(connection);
        peers.forget(connection);
    }

    /** The same for every connection the timers closed (Deadline.fireExpired took them off the table). */
    private void forgetClosed() {
        peers.forgetClosed(UploadConnection::isClosed);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket can only fail if it is gone already.
        }
    }

    /** Stops accepting; the uploads already running finish or time out, then {@link #serve()} returns. */
    @Override
    public void close() throws IOException {
        stopping = true;
        if (serving) {
            selector.wakeup(); // the loop closes the listener itself, on its own thread
        } else {
            listener.close();
            selector.close();
        }
    }
}
