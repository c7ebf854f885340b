package transferlab.throttle;

import java.util.concurrent.TimeUnit;

/**
 * Keeps a sender at or below a rate, in bytes per second: after each chunk, {@link #pace} waits
 * until the bytes sent so far are no longer ahead of the rate. Used by the upload client's
 * {@code --rate} (so a demo can make each upload last long enough to watch) and by servers that
 * limit each connection, the way links on the internet do.
 *
 * <p>One instance per connection; not shared between threads.
 */
public final class Throttle {
    /** A throttle that never waits. */
    public static final Throttle NONE = new Throttle(0);

    private final long bytesPerSecond;
    private final long startNanos = System.nanoTime();

    /** {@code bytesPerSecond} of 0 means no limit. */
    public Throttle(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("a rate must be >= 0 bytes per second, was " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    public boolean limited() {
        return bytesPerSecond > 0;
    }

    /** Waits until sending {@code bytesSoFar} bytes since this throttle was made keeps to the rate. */
    public void pace(long bytesSoFar) throws InterruptedException {
        if (bytesPerSecond == 0) {
            return;
        }
        long dueNanos = startNanos + (long) (bytesSoFar * 1e9 / bytesPerSecond);
        long aheadNanos = dueNanos - System.nanoTime();
        if (aheadNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(aheadNanos);
        }
    }

    /** Smallest paced chunk, so that a slow limit does not mean a system call per few bytes. */
    public static final int MIN_PACED_CHUNK_BYTES = 16 * 1024;
    /** A paced chunk holds about 1/this of a second of data, so the pacing looks smooth. */
    private static final int PACED_CHUNKS_PER_SECOND = 20;

    /** How many bytes to send between two calls of {@link #pace}: {@code unlimitedChunk} when there is no limit. */
    public int chunkBytes(int unlimitedChunk) {
        if (bytesPerSecond == 0) {
            return unlimitedChunk;
        }
        return (int) Math.max(MIN_PACED_CHUNK_BYTES, Math.min(unlimitedChunk,
                bytesPerSecond / PACED_CHUNKS_PER_SECOND));
    }
}
