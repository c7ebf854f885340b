package transferlab.update;

import java.io.EOFException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import transferlab.server.ServerLog;
import transferlab.server.TcpServer;
import transferlab.storage.BadNameException;
import transferlab.storage.Hashes;
import transferlab.storage.PlainFileName;
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
 * <p>Two connections of the same client at once never get the same file: a file on offer to one
 * connection is skipped for the others until it is acknowledged or that connection closes.
 * The sha256 of a queued file is computed on the loop thread when it is first offered and kept
 * (by path, size, modification time and file key); hashing a very large file once delays the other
 * connections by about a second per GiB.
 */
public final class UpdateServer implements TcpServer {
    /*
     * Connection states, and the timeouts that apply in each. The loop wakes at least every tick
     * (a quarter of the shorter timeout, 10 ms to 1 s) and closes connections whose time is up.
     *
     *   READING_POLL   from accept until a whole poll frame has arrived.
     *                  idle:     no byte from the client for idleTimeout            -> closed
     *                  deadline: exchangeDeadline from accept                       -> closed
     *   SENDING_OFFER  writing the offer's frame, then the file with FileChannel.transferTo, at most
     *                  SEND_PIECE_BYTES per wake-up. Interested in OP_WRITE only: the file is read
     *                  from disk only as fast as the socket takes it (back-pressure, nothing buffered).
     *                  idle:     the client took no byte for idleTimeout            -> closed
     *                  deadline: exchangeDeadline from the start of this offer      -> closed
     *   READING_ACK    the whole file was sent; waiting for the ack frame. Interested in OP_READ.
     *                  idle:     no byte from the client for idleTimeout            -> closed
     *                  deadline: the same one as SENDING_OFFER (offer to ack)       -> closed
     *
     *   A matching ack removes the file from the queue and goes back to SENDING_OFFER with the next
     *   queued file, or closes the connection when there is none. Any close before the ack leaves
     *   the file queued. A bad frame, in any state, closes that connection only.
     */
    private enum State { READING_POLL, SENDING_OFFER, READING_ACK }

    /** The most file bytes handed to the socket per wake-up, so one fast client cannot starve the others. */
    public static final int SEND_PIECE_BYTES = 1 << 20;
    /** How many file hashes are remembered; the oldest is forgotten first. */
    public static final int MAX_REMEMBERED_HASHES = 4096;

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final ServedDirectory outbox;
    private final UpdateLimits limits;
    private final ServerLog log;
    private final long tickMillis;

    /** Files on offer on some open connection: not offered to a second connection meanwhile. */
    private final Set<Path> onOffer = new HashSet<>();
    private final Map<Path, KnownHash> knownHashes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, KnownHash> eldest) {
            return size() > MAX_REMEMBERED_HASHES;
        }
    };
    private int connections;
    private long lastTimeoutCheckNanos = System.nanoTime();

    private final Object lifecycle = new Object();
    private volatile boolean closed;
    private boolean serving;

    /** One client connection: its state, the frame being collected, and the file on offer. */
    private static final class Connection {
        final SocketChannel channel;
        final SocketAddress peer;
        final UpdateFrame.Collector frames;
        State state = State.READING_POLL;
        long lastProgressNanos;
        long deadlineNanos;
        String clientId;          // known after the poll
        Path queue;               // <outbox>/<client-id>
        QueuedFile offer;         // the file on offer, from SENDING_OFFER until its ack
        ByteBuffer offerFrame;
        FileChannel file;
        long sent;

        Connection(SocketChannel channel, SocketAddress peer, int maxRequestBytes) {
            this.channel = channel;
            this.peer = peer;
            this.frames = new UpdateFrame.Collector(maxRequestBytes);
        }
    }

    /** A file as it was when offered; an ack removes it only if it is still the same file. */
    private record QueuedFile(Path path, String name, long size, FileTime modified, Object fileKey, String hash) {
        boolean sameAs(BasicFileAttributes now) {
            return now.size() == size && now.lastModifiedTime().equals(modified) && Objects.equals(now.fileKey(), fileKey);
        }
    }

    private record KnownHash(long size, FileTime modified, Object fileKey, String hash) {
    }

    private UpdateServer(ServerSocketChannel listener, Selector selector, ServedDirectory outbox, UpdateLimits limits,
                         ServerLog log) {
        this.listener = listener;
        this.selector = selector;
        this.outbox = outbox;
        this.limits = limits;
        this.log = log;
        long shorter = Math.min(limits.idleTimeout().toMillis(), limits.exchangeDeadline().toMillis());
        this.tickMillis = Math.max(10, Math.min(1000, shorter / 4));
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
            listener.bind(address, 1024);
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

    /** The outbox: one directory per client id. */
    public Path outbox() {
        return outbox.root();
    }

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
                selector.select(tickMillis);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid() && key.isAcceptable()) {
                        try {
                            acceptAll();
                        } catch (IOException e) {
                            // Out of file descriptors, say: the server goes on with the connections it has.
                            log.info("accept failed: " + e);
                        }
                    } else if (key.isValid()) {
                        serveReady(key);
                    }
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                if (now - lastTimeoutCheckNanos >= TimeUnit.MILLISECONDS.toNanos(tickMillis)) {
                    closeTimedOut(now); // once per tick, not after every event: it looks at every connection
                    lastTimeoutCheckNanos = now;
                }
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

    private void acceptAll() throws IOException {
        for (SocketChannel channel; (channel = listener.accept()) != null; ) {
            try {
                SocketAddress peer = channel.getRemoteAddress();
                if (connections >= limits.maxConnections()) {
                    log.event(peer, "refused: " + connections + " connections open, the limit is " + limits.maxConnections());
                    channel.close();
                    continue;
                }
                channel.configureBlocking(false);
                Connection connection = new Connection(channel, peer, limits.maxRequestBytes());
                long now = System.nanoTime();
                connection.lastProgressNanos = now;
                connection.deadlineNanos = now + limits.exchangeDeadline().toNanos();
                channel.register(selector, SelectionKey.OP_READ, connection);
                connections++;
            } catch (IOException e) {
                log.info("a connection failed as it was accepted: " + e); // gone already, say
                closeQuietly(channel);
            }
        }
    }

    /** Runs one connection's next step; whatever goes wrong closes that connection only. */
    private void serveReady(SelectionKey key) {
        Connection connection = (Connection) key.attachment();
        try {
            if (connection.state == State.SENDING_OFFER) {
                sendMore(key, connection);
            } else {
                readMore(key, connection);
            }
        } catch (BadFrameException e) {
            close(key, connection, "bad frame: " + e.getMessage() + "; closed");
        } catch (IOException | RuntimeException e) {
            close(key, connection, "connection failed in " + connection.state + ": " + e + "; closed");
        }
    }

    private void readMore(SelectionKey key, Connection connection) throws IOException, BadFrameException {
        byte[] json;
        try {
            json = connection.frames.readFrom(connection.channel);
        } catch (EOFException e) {
            if (connection.state == State.READING_ACK && connection.frames.isEmpty()) {
                close(key, connection, "left without acknowledging " + connection.offer.name()
                        + "; it stays queued");
            } else {
                close(key, connection, "closed by the client in " + connection.state + ": " + e.getMessage());
            }
            return;
        }
        connection.lastProgressNanos = System.nanoTime();
        if (json == null) {
            return; // more of the frame to come
        }
        UpdateRequest request = UpdateRequest.parse(json);
        if (connection.state == State.READING_POLL) {
            if (!request.isPoll()) {
                throw new BadFrameException("a connection starts with a poll, not a '" + request.type() + "'");
            }
            connection.queue = queueOf(request.clientId());
            connection.clientId = request.clientId();
            offerNextOrClose(key, connection);
        } else {
            acknowledge(connection, request);
            offerNextOrClose(key, connection);
        }
    }

    /** {@code <outbox>/<client-id>}; an id that is not a plain file name is a bad frame. */
    private Path queueOf(String clientId) throws BadFrameException, IOException {
        try {
            return outbox.resolve(clientId);
        } catch (BadNameException e) {
            throw new BadFrameException("bad client id: " + e.getMessage());
        }
    }

    private void acknowledge(Connection connection, UpdateRequest request) throws BadFrameException, IOException {
        QueuedFile offer = connection.offer;
        if (!request.isAck()) {
            throw new BadFrameException("expected the ack of " + offer.name() + ", got a '" + request.type() + "'");
        }
        if (!request.clientId().equals(connection.clientId)) {
            throw new BadFrameException("an ack from client '" + PlainFileName.printable(request.clientId())
                    + "' on a connection that polled as '" + connection.clientId + "'");
        }
        if (!request.fileHash().equals(offer.hash())) {
            throw new BadFrameException("an ack of " + request.fileHash() + ", but " + offer.name() + " ("
                    + offer.hash() + ") was offered");
        }
        onOffer.remove(offer.path());
        connection.offer = null;
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(offer.path(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            log.event(connection.peer, connection.clientId + ": acknowledged " + offer.name() + ", already gone from the queue");
            return;
        }
        if (!offer.sameAs(now)) {
            log.event(connection.peer, connection.clientId + ": acknowledged " + offer.name()
                    + ", but it changed since it was offered; kept for the next poll");
            return;
        }
        Files.deleteIfExists(offer.path());
        knownHashes.remove(offer.path());
        log.event(connection.peer, connection.clientId + ": acknowledged " + offer.name() + "; removed from the queue");
    }

    private void offerNextOrClose(SelectionKey key, Connection connection) throws IOException {
        QueuedFile next = nextQueuedFile(connection.queue);
        if (next == null) {
            close(key, connection, "nothing queued; closed");
            return;
        }
        connection.file = FileChannel.open(next.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        connection.offer = next;
        onOffer.add(next.path());
        connection.offerFrame = new UpdateOffer(next.name(), next.size(), next.hash()).encode();
        connection.sent = 0;
        connection.state = State.SENDING_OFFER;
        long now = System.nanoTime();
        connection.lastProgressNanos = now;
        connection.deadlineNanos = now + limits.exchangeDeadline().toNanos();
        key.interestOps(SelectionKey.OP_WRITE);
        log.event(connection.peer, connection.clientId + ": offering " + next.name() + " (" + next.size() + " bytes, "
                + next.hash() + ")");
    }

    /** The first regular file of the queue in name order that is not on offer elsewhere, or null. */
    private QueuedFile nextQueuedFile(Path queue) throws IOException {
        if (!Files.isDirectory(queue, LinkOption.NOFOLLOW_LINKS)) {
            return null; // nobody ever queued anything for this client
        }
        ServedDirectory files = new ServedDirectory(queue);
        for (String name : files.listFiles()) {
            Path path;
            try {
                path = files.resolve(name);
            } catch (BadNameException e) {
                continue; // listFiles only lists plain names; a link out of the queue is skipped here
            }
            if (onOffer.contains(path)) {
                continue;
            }
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                return new QueuedFile(path, name, attributes.size(), attributes.lastModifiedTime(), attributes.fileKey(),
                        sha256Of(path, attributes));
            } catch (NoSuchFileException removedMeanwhile) {
                // the operator took it back: try the next one
            }
        }
        return null;
    }

    private String sha256Of(Path path, BasicFileAttributes attributes) throws IOException {
        KnownHash known = knownHashes.get(path);
        if (known != null && known.size() == attributes.size() && known.modified().equals(attributes.lastModifiedTime())
                && Objects.equals(known.fileKey(), attributes.fileKey())) {
            return known.hash();
        }
        String hash = UpdateProtocol.wireHash(Hashes.sha256Hex(path));
        knownHashes.put(path, new KnownHash(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey(), hash));
        return hash;
    }

    /** Writes what the socket takes: first the offer's frame, then up to one piece of the file. */
    private void sendMore(SelectionKey key, Connection connection) throws IOException {
        if (connection.offerFrame.hasRemaining()) {
            if (connection.channel.write(connection.offerFrame) > 0) {
                connection.lastProgressNanos = System.nanoTime();
            }
            if (connection.offerFrame.hasRemaining()) {
                return; // the socket buffer is full: wait for OP_WRITE
            }
        }
        QueuedFile offer = connection.offer;
        if (connection.sent < offer.size()) {
            long piece = Math.min(SEND_PIECE_BYTES, offer.size() - connection.sent);
            long n = connection.file.transferTo(connection.sent, piece, connection.channel);
            if (n > 0) {
                connection.sent += n;
                connection.lastProgressNanos = System.nanoTime();
            } else if (connection.sent >= connection.file.size()) {
                throw new IOException(offer.name() + " shrank to " + connection.file.size() + " bytes while it was sent ("
                        + offer.size() + " announced)");
            }
        }
        if (connection.sent == offer.size()) {
            connection.file.close();
            connection.file = null;
            connection.state = State.READING_ACK;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void closeTimedOut(long now) {
        for (SelectionKey key : new ArrayList<>(selector.keys())) {
            if (!key.isValid() || !(key.attachment() instanceof Connection connection)) {
                continue;
            }
            long idleNanos = now - connection.lastProgressNanos;
            if (idleNanos > limits.idleTimeout().toNanos()) {
                close(key, connection, "idle for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms in "
                        + connection.state + " (idle timeout " + limits.idleTimeout().toMillis() + " ms); closed");
            } else if (now - connection.deadlineNanos > 0) {
                close(key, connection, "the exchange deadline of " + limits.exchangeDeadline().toMillis()
                        + " ms passed in " + connection.state + "; closed");
            }
        }
    }

    /** Closes one connection; a file it had on offer but not acknowledged stays queued. */
    private void close(SelectionKey key, Connection connection, String reason) {
        log.event(connection.peer, connection.clientId == null ? reason : connection.clientId + ": " + reason);
        if (connection.offer != null) {
            onOffer.remove(connection.offer.path());
            if (connection.state == State.READING_ACK) {
                // The client took the whole file but did not acknowledge it, perhaps because its hash did
                // not match: hash it afresh next time rather than trust the remembered hash.
                knownHashes.remove(connection.offer.path());
            }
            connection.offer = null;
        }
        key.cancel();
        closeQuietly(connection.file);
        closeQuietly(connection.channel);
        connections--;
    }

    private void closeEverything() throws IOException {
        if (selector.isOpen()) {
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof Connection connection) {
                    closeQuietly(connection.file);
                    closeQuietly(connection.channel);
                }
            }
        }
        onOffer.clear();
        connections = 0;
        listener.close();
        selector.close();
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
