package transferlab.ranged;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What has arrived of each block, shared by the receiving threads and the {@link PrefixHasher}.
 *
 * <p>For each block it keeps the most bytes any attempt wrote from the block's start. Those bytes are
 * the file's bytes at those offsets even if that attempt broke later (TCP delivers a prefix, never
 * wrong bytes), and a retry writes the same bytes again; so the hasher may hash them at once.
 * The contiguous prefix is where the first incomplete block's received bytes end.
 */
final class ReceivedBytes {
    private final BlockLayout layout;
    private final AtomicLongArray received;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progressed = lock.newCondition();
    private volatile Throwable failure;

    ReceivedBytes(BlockLayout layout) {
        this.layout = layout;
        this.received = new AtomicLongArray(layout.blocks());
    }

    /** Block {@code block} now has its first {@code bytes} bytes in the file. */
    void arrived(int block, long bytes) {
        received.accumulateAndGet(block, bytes, Math::max);
        signal();
    }

    /** The download failed; the hasher and every waiting thread stop. */
    void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        signal();
    }

    Throwable failure() {
        return failure;
    }

    /** Bytes received over all blocks (their longest attempts). */
    long total() {
        long sum = 0;
        for (int block = 0; block < received.length(); block++) {
            sum += received.get(block);
        }
        return sum;
    }

    /** The first byte not known to be in the file: all bytes before it are. */
    long contiguousPrefix() {
        for (int block = 0; block < layout.blocks(); block++) {
            long got = received.get(block);
            if (got < layout.length(block)) {
                return layout.start(block) + got;
            }
        }
        return layout.size();
    }

    /**
     * Waits until the prefix passes {@code position}, the download failed, or {@code nanos} passed;
     * returns the prefix (no further than {@code position} after a timeout).
     */
    long awaitPrefixBeyond(long position, long nanos) throws InterruptedException {
        lock.lock();
        try {
            long prefix;
            long left = nanos;
            while ((prefix = contiguousPrefix()) <= position && failure == null && left > 0) {
                left = progressed.awaitNanos(left);
            }
            return prefix;
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            progressed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
