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
 *
 * <p>It also tells the receivers of later blocks when to give way to the frontier block's (the
 * first incomplete one), see {@link #giveWay}.
 */
final class ReceivedBytes {
    private final BlockLayout layout;
    private final AtomicLongArray received;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progressed = lock.newCondition();
    private final Condition mayReceive = lock.newCondition();
    private volatile Throwable failure;
    /** Where the hash is: the position of its last {@link #awaitPrefixBeyond}; -1 while no hash follows. */
    private volatile long hashed = -1;
    private volatile int givingWay; // receivers waiting in giveWay; changed under the lock
    private int givenWayTo = -1; // the frontier block when they last began to wait; under the lock
    private long hashedWhenWoken = -1; // the hash's position when they were last woken; under the lock

    /** Bytes ready for the hash from which the receivers of later blocks give way (see {@link #giveWay}). */
    static final long GIVE_WAY_LEAD = 16L << 20;
    /** Bytes ready for the hash from which the frontier block's receiver gives way too. */
    static final long FRONTIER_GIVES_WAY_LEAD = 64L << 20;
    /** A receiver giving way looks again at least this often. */
    static final long GIVE_WAY_SLICE_NANOS = 10_000_000L;

    private final long giveWayLead;
    private final long frontierGivesWayLead;

    ReceivedBytes(BlockLayout layout) {
        this(layout, GIVE_WAY_LEAD, FRONTIER_GIVES_WAY_LEAD);
    }

    /** With other leads than {@link #GIVE_WAY_LEAD} and {@link #FRONTIER_GIVES_WAY_LEAD}: for tests of small files. */
    ReceivedBytes(BlockLayout layout, long giveWayLead, long frontierGivesWayLead) {
        this.layout = layout;
        this.received = new AtomicLongArray(layout.threads());
        this.giveWayLead = giveWayLead;
        this.frontierGivesWayLead = frontierGivesWayLead;
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
        lock.lock();
        try {
            progressed.signalAll();
            mayReceive.signalAll();
        } finally {
            lock.unlock();
        }
    }

    Throwable failure() {
        return failure;
    }

    /**
     * Waits, at most {@code maxNanos}, while the receiver of {@code block} should give way to the
     * hash: a block beyond the frontier (the first incomplete block, the one that feeds the hash)
     * while the hash has {@link #GIVE_WAY_LEAD} bytes or more ready, the frontier block itself while
     * it has {@link #FRONTIER_GIVES_WAY_LEAD} or more. Why: MD5 is sequential and, on a fast link,
     * slower than receiving, so the hash is the critical path; on 2 cores every receiving thread
     * takes CPU from it, and what the later blocks bring early is hashed only after the frontier's
     * anyway. Once the hash has caught up (or the frontier moves on) they all receive again. On a
     * slow link the hash keeps up with the frontier, the lead stays small, and nobody gives way: N
     * connections keep their N times one connection's speed. Each call waits {@code maxNanos} at
     * most, so a receiver still reads between waits and its watchdog never sees it idle; an
     * interrupt ends the wait (the flag stays set).
     */
    void giveWay(int block, long maxNanos) {
        if (!shouldGiveWay(block)) {
            return;
        }
        long until = System.nanoTime() + maxNanos;
        lock.lock();
        try {
            givingWay++;
            long left;
            while (shouldGiveWay(block) && (left = until - System.nanoTime()) > 0) {
                givenWayTo = frontier();
                mayReceive.awaitNanos(Math.min(left, GIVE_WAY_SLICE_NANOS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            givingWay--;
            lock.unlock();
        }
    }

    /** Whether the receiver of {@code block} should give way now (see {@link #giveWay}). */
    boolean shouldGiveWay(int block) {
        if (failure != null || hashed < 0) {
            return false; // no hash follows the prefix (the size was not said): nobody waits on a block
        }
        int frontier = frontier();
        if (frontier < 0 || block < frontier) {
            return false;
        }
        long lead = layout.start(frontier) + received.get(frontier) - hashed;
        return lead >= (block == frontier ? frontierGivesWayLead : giveWayLead);
    }

    /** The first incomplete block, or -1 when all are in. */
    private int frontier() {
        for (int block = 0; block < layout.threads(); block++) {
            if (received.get(block) < layout.length(block)) {
                return block;
            }
        }
        return -1;
    }

    /** How many receivers are giving way right now. */
    int receiversGivingWay() {
        return givingWay;
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
        for (int block = 0; block < layout.threads(); block++) {
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
        hashed = position;
        lock.lock();
        try {
            wakeThoseGivingWay();
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

    /**
     * Under the lock: the receivers giving way look again when the frontier moved on or the hash
     * caught up (the lead only grows while they wait, unless one of those happens).
     */
    private void wakeThoseGivingWay() {
        if (givingWay > 0 && (frontier() != givenWayTo || hashedWhenWoken != hashed)) {
            hashedWhenWoken = hashed;
            mayReceive.signalAll();
        }
    }

    private void signal() {
        lock.lock();
        try {
            progressed.signalAll();
            wakeThoseGivingWay();
        } finally {
            lock.unlock();
        }
    }
}
