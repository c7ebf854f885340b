package transferlab.server;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Platform threads named {@code <prefix>1}, {@code <prefix>2}, …, so that a thread dump or a log
 * line says which client or worker a thread belongs to.
 */
public final class NamedThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

    private NamedThreads(String prefix) {
        this.prefix = prefix;
    }

    /** Threads named {@code prefix + n}, counting from 1. */
    public static NamedThreads platform(String prefix) {
        return new NamedThreads(prefix);
    }

    @Override
    public Thread newThread(Runnable work) {
        return new Thread(work, prefix + count.incrementAndGet());
    }
}
