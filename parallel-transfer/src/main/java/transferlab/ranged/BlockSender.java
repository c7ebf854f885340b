package transferlab.ranged;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends bytes [start, end) of a file to a connection with {@code FileChannel.transferTo}, which on
 * Linux is one {@code sendfile} per call: the bytes go from the page cache to the socket without
 * passing through Java. Calls are at most {@link #CHUNK_BYTES} each, so progress shows between them
 * (the {@link StallWatchdog} watches it).
 *
 * <p>With a rate limit (bytes per second per connection, 0 = none) the chunks are smaller and each
 * waits until the connection is back on schedule: chunk k starts no earlier than
 * (bytes sent before it) / rate seconds after the first. That is how a per-flow limit on the
 * internet looks to one TCP connection, and why opening more connections helps there.
 */
public final class BlockSender {
    /** Most bytes per {@code transferTo} call. */
    public static final int CHUNK_BYTES = 1 << 20;
    /** Smallest paced chunk, so that slow limits do not mean a system call per few bytes. */
    public static final int MIN_PACED_CHUNK_BYTES = 16 * 1024;
    /** Paced chunks hold about this fraction of a second of data. */
    private static final int PACED_CHUNKS_PER_SECOND = 20;

    private final long bytesPerSecond;

    /** @param bytesPerSecond the per-connection rate limit; 0 sends as fast as the connection takes it */
    public BlockSender(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("the rate must be >= 0 bytes/s, was " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    /** The largest chunk one call sends. */
    public long chunkBytes() {
        if (bytesPerSecond == 0) {
            return CHUNK_BYTES;
        }
        return Math.max(MIN_PACED_CHUNK_BYTES, Math.min(CHUNK_BYTES, bytesPerSecond / PACED_CHUNKS_PER_SECOND));
    }

    /** Sends bytes [start, end) of {@code file}, adding each chunk to {@code sent} as it goes. */
    public void send(FileChannel file, long start, long end, WritableByteChannel out, AtomicLong sent)
            throws IOException, InterruptedException {
        long chunk = chunkBytes();
        long begun = System.nanoTime();
        long position = start;
        while (position < end) {
            if (bytesPerSecond > 0) {
                long due = begun + (long) ((position - start) * 1e9 / bytesPerSecond);
                long early = due - System.nanoTime();
                if (early > 0) {
                    TimeUnit.NANOSECONDS.sleep(early); // the rate limit itself
                }
            }
            long n = file.transferTo(position, Math.min(chunk, end - position), out);
            if (n <= 0 && position >= file.size()) {
                throw new IOException("the file shrank to " + file.size() + " bytes while it was sent");
            }
            position += n;
            sent.addAndGet(n);
        }
    }
}
