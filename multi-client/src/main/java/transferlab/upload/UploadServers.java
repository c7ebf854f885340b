package transferlab.upload;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import transferlab.server.NamedThreads;
import transferlab.server.PooledServer;
import transferlab.server.ServerLog;
import transferlab.server.ThreadPerClientServer;

/**
 * Protocol U on stage 2's blocking accept strategies, in one expression each: stage 1's
 * {@link UploadHandler} unchanged, and {@code error busy: …} ({@link UploadBusyHandler}) beyond the
 * limit. The strategies themselves ({@code transferlab.server}) know no protocol; this is where
 * the upload protocol is plugged into them.
 * <pre>
 *   TcpServer server = UploadServers.threadPerClient(new InetSocketAddress("127.0.0.1", 0), received,
 *           UploadLimits.defaults(), ServerLog.to(System.out));
 *   server.serveInBackground("uploads");
 * </pre>
 */
public final class UploadServers {
    private UploadServers() {
    }

    /**
     * A new platform thread per client ({@code client-1}, {@code client-2}, …), at most
     * {@code limits.maxConnections()} at once.
     */
    public static ThreadPerClientServer threadPerClient(InetSocketAddress address, Path directory,
                                                        UploadLimits limits, ServerLog log) throws IOException {
        return threadPerClient(address, directory, limits, log, NamedThreads.platform("client-"));
    }

    /** As above, on threads from {@code threads} (for example {@link transferlab.server.VirtualThreads#factory}). */
    public static ThreadPerClientServer threadPerClient(InetSocketAddress address, Path directory,
                                                        UploadLimits limits, ServerLog log, ThreadFactory threads)
            throws IOException {
        return ThreadPerClientServer.bind(address, UploadHandler.into(directory, limits, log), log,
                new UploadBusyHandler("already serving " + limits.maxConnections() + " clients at once"),
                limits.maxConnections(), UploadBusyHandler.perAddress(limits), threads);
    }

    /** {@code poolSize} workers with {@code queueCapacity} waiting places. */
    public static PooledServer pool(InetSocketAddress address, Path directory, UploadLimits limits, ServerLog log,
                                    int poolSize, int queueCapacity) throws IOException {
        return PooledServer.bind(address, UploadHandler.into(directory, limits, log), log,
                new UploadBusyHandler("all " + poolSize + " workers are busy and " + queueCapacity
                        + " clients wait already (at most " + limits.maxConnections() + " connections)"),
                limits.maxConnections(), UploadBusyHandler.perAddress(limits), poolSize, queueCapacity);
    }

    /** As above with {@link PooledServer#DEFAULT_POOL_SIZE} and {@link PooledServer#DEFAULT_QUEUE_CAPACITY}. */
    public static PooledServer pool(InetSocketAddress address, Path directory, UploadLimits limits, ServerLog log)
            throws IOException {
        return pool(address, directory, limits, log, PooledServer.DEFAULT_POOL_SIZE,
                PooledServer.DEFAULT_QUEUE_CAPACITY);
    }
}
