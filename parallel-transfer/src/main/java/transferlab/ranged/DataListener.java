package transferlab.ranged;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import transferlab.server.AcceptFailures;
import transferlab.server.DescriptorBudget;
import transferlab.server.ServerLog;

/**
 * The data side of one accepted control request (R4, R5, R12, R13): a listener on a free port that
 * sends block i to each connection that sends the byte i.
 *
 * <p>Lifetime: it listens until every block was sent whole once, or until it was idle (no connection
 * open and none accepted) for the idle timeout, or until the transfer deadline; whichever comes
 * first. Until then a block may be asked for again, e.g. by a client whose connection broke.
 * "Sent whole" means the server's last write succeeded; the client may still have lost the tail
 * (a middlebox can cut after the server's buffers took the bytes), so a client that asks again
 * after the listener closed gets "connection refused" and must give up.
 *
 * <p>Threads: one accept thread per listener ({@code ranged-listener-PORT}); each connection is served
 * by the server's shared, bounded pool of data threads. The file is opened once, when the request is
 * accepted, so a file renamed or replaced meanwhile does not change what this download gets; it is
 * closed when the listener is closed and its last connection ended.
 */
final class DataListener implements Closeable {
    /** What a data connection may send after its id byte before the server stops reading and closes. */
    static final long MAX_DRAIN_BYTES = 64 * 1024;
    /** What a data listener holds of the server's descriptors: its listening socket and the file. */
    static final int DESCRIPTORS = 2;

    private final ServerSocketChannel listener;
    private final FileChannel file;
    private final String name;
    private final BlockLayout layout;
    private final RangedLimits limits;
    private final ExecutorService dataThreads;
    private final StallWatchdog watchdog;
    private final BlockSender sender;
    private final DescriptorBudget descriptors;
    private final ServerLog log;
    private final Consumer<DataListener> onClosed;
    private final long openedAt = System.nanoTime();

    // Guarded by this.
    private final boolean[] sent;
    private int blocksSent;
    private int activeConnections;
    private boolean listening = true;
    private boolean fileClosed;
    private long lastActivityAt = openedAt;

    private DataListener(ServerSocketChannel listener, FileChannel file, String name, BlockLayout layout,
                         RangedLimits limits, ExecutorService dataThreads, StallWatchdog watchdog,
                         DescriptorBudget descriptors, ServerLog log, Consumer<DataListener> onClosed) {
        this.listener = listener;
        this.file = file;
        this.name = name;
        this.layout = layout;
        this.limits = limits;
        this.dataThreads = dataThreads;
        this.watchdog = watchdog;
        this.sender = new BlockSender(limits.ratePerConnection());
        this.descriptors = descriptors;
        this.log = log;
        this.onClosed = onClosed;
        this.sent = new boolean[layout.blocks()];
    }

    /**
     * Opens {@code path} and binds a listener on a free port of {@code bindAddress}; {@link #start()}
     * starts accepting. The size of the layout is the size of the file as opened now. The caller has
     * taken {@link #DESCRIPTORS} of {@code descriptors} for the two; they are given back when both are
     * closed. Each data connection takes one more while it is open, or is closed at accept.
     */
    static DataListener open(Path path, String name, int blocks, InetSocketAddress bindAddress, RangedLimits limits,
                             ExecutorService dataThreads, StallWatchdog watchdog, DescriptorBudget descriptors,
                             ServerLog log, Consumer<DataListener> onClosed)
            throws IOException {
        FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
        try {
            ServerSocketChannel listener = ServerSocketChannel.open();
            try {
                listener.bind(new InetSocketAddress(bindAddress.getAddress(), 0), Math.max(50, blocks));
            } catch (IOException e) {
                listener.close();
                throw e;
            }
            return new DataListener(listener, file, name, new BlockLayout(file.size(), blocks),
                    limits, dataThreads, watchdog, descriptors, log, onClosed);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Starts the accept thread. */
    void start() {
        Thread acceptor = new Thread(this::acceptLoop, "ranged-listener-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.socket().getLocalPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.socket().getLocalSocketAddress();
    }

    BlockLayout layout() {
        return layout;
    }

    private void acceptLoop() {
        ServerSocket socket = listener.socket(); // the adaptor honours SO_TIMEOUT on accept
        long idleNanos = limits.idleTimeout().toNanos();
        long deadlineAt = openedAt + limits.transferDeadline().toNanos();
        while (true) {
            long left = deadlineAt - System.nanoTime();
            if (left <= 0) {
                stopListening("ran past its deadline of " + limits.transferDeadline().toSeconds() + " s");
                return;
            }
            Socket accepted;
            try {
                socket.setSoTimeout((int) Math.max(1, Math.min(idleNanos, left) / 1_000_000));
                accepted = socket.accept();
            } catch (SocketTimeoutException e) {
                synchronized (this) {
                    if (activeConnections == 0 && System.nanoTime() - lastActivityAt >= idleNanos) {
                        stopListening("idle for " + limits.idleTimeout().toSeconds() + " s with "
                                + (layout.blocks() - blocksSent) + " of " + layout.blocks()
                                        + " blocks never sent whole");
                        return;
                    }
                }
                continue;
            } catch (IOException e) {
                if (!listener.isOpen()) {
                    stopListening("closed"); // every block was sent, or the server stops
                    return;
                }
                try {
                    AcceptFailures.pauseAfter(e, log); // out of descriptors, say: the listener lives on
                } catch (IOException interrupted) {
                    stopListening("interrupted");
                    return;
                }
                continue;
            }
            SocketChannel connection = accepted.getChannel();
            synchronized (this) {
                if (fileClosed) {
                    closeQuietly(connection);
                    continue;
                }
                if (!descriptors.tryTake(1)) {
                    // The client sees its connection end without a block and asks again later (R14).
                    log.event(accepted.getRemoteSocketAddress(), name + ": closed at accept: the server holds as"
                            + " many connections as its open file limit allows");
                    closeQuietly(connection);
                    continue;
                }
                activeConnections++;
                lastActivityAt = System.nanoTime();
            }
            try {
                dataThreads.execute(() -> serve(connection));
            } catch (RejectedExecutionException e) {
                log.event(accepted.getRemoteSocketAddress(), name + ": too many data connections waiting; closed");
                closeQuietly(connection);
                connectionEnded();
            }
        }
    }

    /** One data connection: read the block number, send that block, close (R4, R5, R12). */
    private void serve(SocketChannel connection) {
        AtomicLong progress = new AtomicLong();
        StallWatchdog.Watch watch;
        try {
            watch = watchdog.watch(connection, progress::get, limits.idleTimeout(), limits.transferDeadline());
        } catch (RejectedExecutionException stopping) {
            closeQuietly(connection);
            connectionEnded();
            return;
        }
        java.net.SocketAddress peer = connection.socket().getRemoteSocketAddress();
        int block = -1;
        try (connection) {
            ByteBuffer id = ByteBuffer.allocate(1);
            if (connection.read(id) < 0) {
                log.event(peer, name + ": closed before sending a block number");
                return;
            }
            progress.incrementAndGet();
            block = id.get(0) & 0xff;
            if (block >= layout.blocks()) {
                log.event(peer, name + ": asked for block " + block + ", but there are only " + layout.blocks()
                        + " (0.." + (layout.blocks() - 1) + "); closed");
                return;
            }
            sender.send(file, layout.start(block), layout.end(block), connection, progress);
            markSent(block); // before the close, so the client's end of file comes after it
            connection.shutdownOutput(); // FIN: the block is complete
            drainAfterTheId(connection, progress);
        } catch (IOException e) {
            String why = watch.reason() != null ? watch.reason() : e.toString();
            log.event(peer, name + ": " + (block < 0 ? "no block number" : "block " + block + " not sent whole")
                    + ": " + why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watch.cancel();
            connectionEnded();
        }
    }

    /**
     * Bytes after the id byte are read and ignored (R5): closing a socket with unread bytes sends a
     * reset, which can destroy the end of the block still on its way to the client. So after the FIN
     * the server reads until the client closes, at most {@link #MAX_DRAIN_BYTES} (beyond that it
     * just closes), under the same watchdog.
     */
    private static void drainAfterTheId(SocketChannel connection, AtomicLong progress) {
        ByteBuffer ignored = ByteBuffer.allocate(4096);
        long drained = 0;
        int n;
        try {
            while (drained <= MAX_DRAIN_BYTES && (n = connection.read(ignored.clear())) >= 0) {
                drained += n;
                progress.addAndGet(Math.max(1, n)); // any read is activity for the watchdog
            }
        } catch (IOException gone) {
            // the block was sent whole; how the client left does not matter
        }
    }

    private synchronized void markSent(int block) {
        if (!sent[block]) {
            sent[block] = true;
            blocksSent++;
            if (blocksSent == layout.blocks()) {
                stopListening("every block sent");
            }
        }
    }

    private synchronized void connectionEnded() {
        descriptors.giveBack(1);
        activeConnections--;
        lastActivityAt = System.nanoTime();
        closeFileIfDone();
    }

    /** Stops accepting; the file stays open for the connections still being served. */
    synchronized void stopListening(String why) {
        if (!listening) {
            return;
        }
        listening = false;
        closeQuietly(listener);
        log.info(name + ": data port " + port() + " closed: " + why);
        onClosed.accept(this);
        closeFileIfDone();
    }

    private void closeFileIfDone() {
        if (!listening && activeConnections == 0 && !fileClosed) {
            fileClosed = true;
            closeQuietly(file);
            descriptors.giveBack(DESCRIPTORS); // the listening socket closed before, in stopListening
        }
    }

    @Override
    public void close() {
        stopListening("the server stops");
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }
}
