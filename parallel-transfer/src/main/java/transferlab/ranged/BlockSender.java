package transferlab.ranged;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicLong;
import transferlab.throttle.Throttle;

/**
 * Sends bytes [start, end) of a file to a connection with {@code FileChannel.transferTo}, which on
 * Linux is one {@code sendfile} per call: the bytes go from the page cache to the socket without
 * passing through Java. Calls are at most {@link #CHUNK_BYTES} each, so progress shows between them
 * (the {@link StallWatchdog} watches it).
 *
 * <p>With a rate limit (bytes per second per connection, 0 = none) a {@link Throttle} makes the
 * chunks smaller and holds each one back until its last byte is due, so a connection is never
 * ahead of the rate: a block of L bytes takes at least L / rate, however many connections the
 * client opens (sending a chunk first and waiting after would give every new connection one chunk
 * for free, and a client asking for many small blocks a speed the limit does not allow). That is
 * how a per-flow limit on the internet looks to one TCP connection, and why opening more
 * connections helps there.
 */
public final class BlockSender {
    /** Most bytes per {@code transferTo} call. */
    public static final int CHUNK_BYTES = 1 << 20;

    private final long bytesPerSecond;

    /** @param bytesPerSecond the per-connection rate limit; 0 sends as fast as the connection takes it */
    public BlockSender(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("the rate must be >= 0 bytes/s, was " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Sends bytes [start, end) of {@code file}, adding each chunk to {@code sent} as it goes. */
    public void send(FileChannel file, long start, long end, WritableByteChannel out, AtomicLong sent)
            throws IOException, InterruptedException {
        Throttle throttle = new Throttle(bytesPerSecond);
        long chunk = throttle.chunkBytes(CHUNK_BYTES);
        long position = start;
        while (position < end) {
            long piece = Math.min(chunk, end - position);
            throttle.pace(position - start + piece);
            long n = file.transferTo(position, piece, out);
            if (n <= 0 && position >= file.size()) {
                throw new IOException("the file shrank to " + file.size() + " bytes while it was sent");
            }
            position += n;
            sent.addAndGet(n);
        }
    }
}
