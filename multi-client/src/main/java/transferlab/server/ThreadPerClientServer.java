package transferlab.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stage 2's first accept strategy: accept one client, start a thread that serves it, repeat.
 *
 * <p>This is stage 1's {@link IterativeServer} with one change, the lesson of seed 004: the
 * handler ("service_client_connection") runs on its own thread, so the accept loop is back at
 * {@code accept()} at once and a slow client no longer holds the next one. Compare the two files
 * (in the students' kit: once TODO(stage2.1) is written, both loops are theirs):
 * <pre>
 *   diff single-client/src/main/java/transferlab/server/IterativeServer.java \
 *        multi-client/src/main/java/transferlab/server/ThreadPerClientServer.java
 * </pre>
 * Threads are not free, so at most {@code maxConnections} clients are served at once; one more is
 * answered by the {@code busy} handler (for uploads: {@code error busy: …}) and closed, while the
 * running transfers go on. Run it through the launcher with the upload handler:
 * <pre>
 *   $ ./transfer upload-server --mode thread-per-client --port 5000 --dir received
 *   listening on 0.0.0.0:5000
 *   12:00:01.204 127.0.0.1:40312 stored notes.txt (1834 bytes, sha256 3f1c…)
 *   12:00:01.207 127.0.0.1:40318 stored slides.pdf (88120 bytes, sha256 9a0e…)
 * </pre>
 */
public final class ThreadPerClientServer implements TcpServer {
    private final ServerSocket listener;
    private final ConnectionHandler handler;
    private final ServerLog log;
    private final ConnectionHandler busy;
    private final int maxConnections;
    private final ConnectionsPerAddress perAddress;
    private final ThreadFactory threads;
    private final AtomicInteger active = new AtomicInteger();

    public ThreadPerClientServer(ServerSocket listener, ConnectionHandler handler, ServerLog log,
                                 ConnectionHandler busy, int maxConnections, ConnectionsPerAddress perAddress,
                                 ThreadFactory threads) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1, was " + maxConnections);
        }
        this.listener = listener;
        this.handler = handler;
        this.log = log;
        this.busy = busy;
        this.maxConnections = maxConnections;
        this.perAddress = perAddress;
        this.threads = threads;
    }

    /**
     * Binds to {@code address} (port 0 picks a free port) and returns the server, not yet serving.
     * Each client is served on a new thread from {@code threads}, e.g. {@code NamedThreads.platform("client-")}.
     */
    public static ThreadPerClientServer bind(InetSocketAddress address, ConnectionHandler handler, ServerLog log,
                                             ConnectionHandler busy, int maxConnections,
                                             ConnectionsPerAddress perAddress, ThreadFactory threads)
            throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(address, DEFAULT_BACKLOG);
        return new ThreadPerClientServer(listener, handler, log, busy, maxConnections, perAddress, threads);
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    @Override
    public void serve() throws IOException {
        // BEGIN SOLUTION
        // TODO(stage2.1): accept, serve each client on its own new thread; over maxConnections: busy — U15, U16
        // STUB: listener.close(); // refuse every client at once rather than leave them hanging; no exception:
        // STUB: // one thrown here would end the server's thread uncaught
        // STUB: System.err.println("TODO(stage2.1): no accept loop yet; every client is refused");
        while (!listener.isClosed()) {
            Socket connection = AcceptFailures.acceptNext(listener, log); // survives running out of descriptors
            if (connection == null) {
                return; // close() was called: a normal stop
            }
            if (active.incrementAndGet() > maxConnections) {
                active.decrementAndGet();
                BusyRefusal.refuse(connection, busy, log, "more than " + maxConnections + " connections");
                continue;
            }
            if (!perAddress.tryAdd(connection.getRemoteSocketAddress())) {
                active.decrementAndGet();
                perAddress.refuse(connection, log); // one host may not hold every slot
                continue;
            }
            // The one change from stage 1: serve the client on its own thread, and accept the next one now.
            threads.newThread(() -> serveOne(connection)).start();
        }
        // END SOLUTION
    }

    /** Seed 004's "service_client_connection": one client, start to end, on its own thread. */
    private void serveOne(Socket connection) {
        // BEGIN SOLUTION
        // TODO(stage2.1): seed 004's service_client_connection: serve one client, log a failure, count it out
        try (connection) {
            handler.handle(connection);
        } catch (IOException | RuntimeException e) {
            // One bad client never stops the server: log it and take the next one.
            log.event(connection.getRemoteSocketAddress(), "connection failed: " + e);
        } finally {
            perAddress.remove(connection.getRemoteSocketAddress());
            active.decrementAndGet();
        }
        // END SOLUTION
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    // Stage 2's addition that the accept loop does not need to read: a count.

    /** How many clients are being served right now (read-only; for tests and monitoring). */
    public int activeConnections() {
        return active.get();
    }
}
