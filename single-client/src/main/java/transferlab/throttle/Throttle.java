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

    /** A chunk size that keeps pacing smooth: about 1/20 s of data, between 4 KiB and 1 MiB. */
    public int chunkBytes(int unlimitedChunk) {
        if (bytesPerSecond == 0) {
            return unlimitedChunk;
        }
        return (int) Math.max(4096, Math.min(unlimitedChunk, bytesPerSecond / 20));
    }
}
