package transferlab.ranged;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receives one block of a ranged download on its own connection, and asks again when the connection
 * breaks (R14): connect to the data port, send the block number as one byte, read until the server
 * closes, writing each piece at its offset in the shared file with a positional write.
 *
 * <p>An attempt fails when the connection cannot be made, ends before the block's last byte (a short
 * read: a cut, a reset, a server gone), moves no byte for the idle timeout, or brings more bytes than
 * the block has. After {@code 1 + retries} failed attempts the whole download fails. Each attempt
 * receives the block from its start again (the protocol has no offsets).
 *
 * <p>Receiving: a large direct buffer, {@code SocketChannel.read} and {@code FileChannel.write} at a
 * position; the fastest way measured here, the bytes never enter the Java heap.
 */
final class BlockReceiver implements Runnable {
    /** A client has no deadline of its own: it gives up on silence (the idle timeout), not on slowness. */
    private static final Duration NO_DEADLINE = Duration.ofDays(365);

    private final int block;
    private final BlockLayout layout;
    private final InetSocketAddress dataAddress;
    private final FileChannel file;
    private final ReceivedBytes received;
    private final DownloadProgress progress;
    private final StallWatchdog watchdog;
    private final Duration idleTimeout;
    private final int retries;
    private final int bufferBytes;
    private volatile SocketChannel current;
    private volatile int failedAttempts;

    BlockReceiver(int block, BlockLayout layout, InetSocketAddress dataAddress, FileChannel file, ReceivedBytes received,
                  DownloadProgress progress, StallWatchdog watchdog, Duration idleTimeout, int retries, int bufferBytes) {
        this.block = block;
        this.layout = layout;
        this.dataAddress = dataAddress;
        this.file = file;
        this.received = received;
        this.progress = progress;
        this.watchdog = watchdog;
        this.idleTimeout = idleTimeout;
        this.retries = retries;
        this.bufferBytes = bufferBytes;
    }

    @Override
    public void run() {
        // BEGIN SOLUTION
        // TODO(stage3.4): the retry rule: a failed attempt asks for the block again, 1 + retries times at most — R14
        // STUB: try {
        // STUB:     receiveOnce(ByteBuffer.allocateDirect(bufferBytes), new AtomicLong()); // one attempt, no retry
        // STUB: } catch (IOException e) {
        // STUB:     failedAttempts++;
        // STUB:     received.fail(new DownloadFailedException("block " + block + ": " + e.getMessage()));
        // STUB: }
        ByteBuffer buffer = ByteBuffer.allocateDirect(bufferBytes);
        String lastFailure = "";
        for (int attempt = 1; attempt <= 1 + retries; attempt++) {
            if (received.failure() != null) {
                return; // another block failed: stop quietly
            }
            AtomicLong got = new AtomicLong();
            try {
                receiveOnce(buffer, got);
                return;
            } catch (IOException e) {
                failedAttempts++;
                progress.advance(block, -got.get());
                lastFailure = e.getMessage() != null ? e.getMessage() : e.toString();
            }
        }
        received.fail(new DownloadFailedException("block " + block + " failed " + (1 + retries)
                + " times; last: " + lastFailure));
        // END SOLUTION
    }

    private void receiveOnce(ByteBuffer buffer, AtomicLong got) throws IOException {
        long start = layout.start(block);
        long length = layout.length(block);
        try (SocketChannel channel = SocketChannel.open()) {
            current = channel;
            if (received.failure() != null) {
                throw new IOException("the download was abandoned");
            }
            try {
                channel.socket().connect(dataAddress, (int) idleTimeout.toMillis());
            } catch (ConnectException e) {
                throw new IOException("cannot connect to the data port " + dataAddress.getPort()
                        + " (" + e.getMessage() + "); the server or its data listener is gone", e);
            }
            StallWatchdog.Watch watch = watchdog.watch(channel, got::get, idleTimeout, NO_DEADLINE);
            try {
                channel.write(ByteBuffer.wrap(new byte[] {(byte) block}));
                while (true) {
                    long remaining = length - got.get();
                    buffer.clear();
                    buffer.limit((int) Math.min(buffer.capacity(), remaining + 1)); // +1: notice a byte too many
                    int n = channel.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    if (n > remaining) {
                        throw new IOException("the server sent more than block " + block + "'s " + length + " bytes");
                    }
                    // BEGIN SOLUTION
                    // TODO(stage3.2): write the n bytes at their offset in the file (positional writes) — R15
                    // STUB: throw new IOException("TODO(stage3.2): write the block's bytes at their offset");
                    buffer.flip();
                    long position = start + got.get();
                    while (buffer.hasRemaining()) {
                        position += file.write(buffer, position);
                    }
                    got.addAndGet(n);
                    received.arrived(block, got.get());
                    progress.advance(block, n);
                    // END SOLUTION
                }
            } catch (IOException e) {
                if (watch.reason() != null) {
                    throw new IOException("block " + block + "'s connection " + watch.reason(), e);
                }
                throw e;
            } finally {
                watch.cancel();
            }
            if (got.get() < length) {
                throw new IOException("block " + block + "'s connection ended after " + got.get() + " of "
                        + length + " bytes");
            }
        } finally {
            current = null;
        }
    }

    /** Closes the connection in use, if any: another block failed and the download is over. */
    void abort() {
        SocketChannel channel = current;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }

    /** How many attempts of this block failed (and were retried, or ended the download). */
    int failedAttempts() {
        return failedAttempts;
    }
}
