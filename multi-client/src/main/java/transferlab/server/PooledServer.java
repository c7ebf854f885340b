package transferlab.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stage 2's second accept strategy: accept a client and hand it to a fixed pool of worker threads.
 *
 * <p>The same loop as {@link ThreadPerClientServer}, but the threads are made once and reused, and a
 * client that finds every worker busy waits in a bounded queue. When that queue is full too, the
 * client is answered by the {@code busy} handler ({@code error busy: …} for uploads) and closed:
 * the server refuses politely instead of growing without limit. Running transfers are not affected.
 * <pre>
 *   $ ./transfer upload-server --mode pool --pool-size 32 --queue 1024 --port 5000 --dir received
 *   listening on 0.0.0.0:5000
 *   12:00:01.204 127.0.0.1:40312 stored notes.txt (1834 bytes, sha256 3f1c…)
 * </pre>
 * At most {@code maxConnections} clients are held at once (served plus waiting), whichever limit
 * is reached first.
 */
public final class PooledServer implements TcpServer {
    /** Workers: enough to overlap many slow clients; each is a platform thread (about 1 MiB of stack reserved). */
    public static final int DEFAULT_POOL_SIZE = 32;
    /** Clients that may wait for a worker; one more is refused with the busy answer. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    private final ServerSocket listener;
    private final ConnectionHandler handler;
    private final ServerLog log;
    private final ConnectionHandler busy;
    private final int maxConnections;
    private final ConnectionsPerAddress perAddress;
    private final int queueCapacity;
    private final ThreadPoolExecutor workers;
    private final AtomicInteger held = new AtomicInteger();

    public PooledServer(ServerSocket listener, ConnectionHandler handler, ServerLog log, ConnectionHandler busy,
                        int maxConnections, ConnectionsPerAddress perAddress, int poolSize, int queueCapacity) {
        if (maxConnections < 1 || poolSize < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxConnections, poolSize and queueCapacity must be >= 1, were "
                    + maxConnections + ", " + poolSize + ", " + queueCapacity);
        }
        this.listener = listener;
        this.handler = handler;
        this.log = log;
        this.busy = busy;
        this.maxConnections = maxConnections;
        this.perAddress = perAddress;
        this.queueCapacity = queueCapacity;
        // AbortPolicy (the default): a full queue throws RejectedExecutionException, handled in serve().
        this.workers = new ThreadPoolExecutor(poolSize, poolSize, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), NamedThreads.platform("pool-worker-"));
    }

    /** Binds to {@code address} (port 0 picks a free port) and returns the server, not yet serving. */
    public static PooledServer bind(InetSocketAddress address, ConnectionHandler handler, ServerLog log,
                                    ConnectionHandler busy, int maxConnections, ConnectionsPerAddress perAddress,
                                    int poolSize, int queueCapacity)
            throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(address, DEFAULT_BACKLOG);
        return new PooledServer(listener, handler, log, busy, maxConnections, perAddress, poolSize, queueCapacity);
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    @Override
    public void serve() throws IOException {
        // BEGIN SOLUTION
        // TODO(stage2.2): accept, hand each client to a worker; queue full or over maxConnections: busy — U15, U19
        // STUB: listener.close(); // refuse every client at once rather than leave them hanging; no exception:
        // STUB: // one thrown here would end the server's thread uncaught
        // STUB: System.err.println("TODO(stage2.2): no accept loop yet; every client is refused");
        while (!listener.isClosed()) {
            Socket connection = AcceptFailures.acceptNext(listener, log); // survives running out of descriptors
            if (connection == null) {
                return; // close() was called: a normal stop
            }
            if (held.incrementAndGet() > maxConnections) {
                held.decrementAndGet();
                BusyRefusal.refuse(connection, busy, log, "more than " + maxConnections + " connections");
                continue;
            }
            if (!perAddress.tryAdd(connection.getRemoteSocketAddress())) {
                held.decrementAndGet();
                perAddress.refuse(connection, log); // one host may not hold every slot, nor every waiting place
                continue;
            }
            // The change from thread-per-client: a worker of the pool serves it, now or after the queue.
            try {
                workers.execute(() -> serveOne(connection));
            } catch (RejectedExecutionException queueFull) {
                perAddress.remove(connection.getRemoteSocketAddress());
                held.decrementAndGet();
                BusyRefusal.refuse(connection, busy, log, "all " + workers.getMaximumPoolSize()
                        + " workers busy and all " + queueCapacity + " waiting places taken");
            }
        }
        // END SOLUTION
    }

    private void serveOne(Socket connection) {
        // BEGIN SOLUTION
        // TODO(stage2.2): one client on a worker: serve it, log a failure, give its place back
        try (connection) {
            handler.handle(connection);
        } catch (IOException | RuntimeException e) {
            // One bad client never stops the server: log it and take the next one.
            log.event(connection.getRemoteSocketAddress(), "connection failed: " + e);
        } finally {
            perAddress.remove(connection.getRemoteSocketAddress());
            held.decrementAndGet();
        }
        // END SOLUTION
    }

    /** How many workers are serving a client right now (read-only; for tests and monitoring). */
    public int activeWorkers() {
        return workers.getActiveCount();
    }

    /** How many accepted clients wait for a worker right now. */
    public int waitingConnections() {
        return workers.getQueue().size();
    }

    /** Stops accepting; clients already accepted (running or waiting) are still served, then the workers end. */
    @Override
    public void close() throws IOException {
        listener.close();
        workers.shutdown();
    }
}
