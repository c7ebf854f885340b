package transferlab.server;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Platform threads named {@code <prefix>1}, {@code <prefix>2}, …, so that a thread dump or a log
 * line says which client or worker a thread belongs to.
 */
public final class NamedThreads implements ThreadFactory {
    private final String prefix;
    private final boolean daemon;
    private final AtomicInteger count = new AtomicInteger();

    private NamedThreads(String prefix, boolean daemon) {
        this.prefix = prefix;
        this.daemon = daemon;
    }

    /** Threads named {@code prefix + n}, counting from 1. */
    public static NamedThreads platform(String prefix) {
        return new NamedThreads(prefix, false);
    }

    /** The same, as daemon threads: they do not keep the JVM alive if nobody calls the server's close(). */
    public static NamedThreads daemon(String prefix) {
        return new NamedThreads(prefix, true);
    }

    @Override
    public Thread newThread(Runnable work) {
        Thread thread = new Thread(work, prefix + count.incrementAndGet());
        thread.setDaemon(daemon);
        return thread;
    }
}
