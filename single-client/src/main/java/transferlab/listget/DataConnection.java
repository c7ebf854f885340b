package transferlab.listget;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The server's end of protocol F's data connection: it connects to the client's data port, sends
 * bytes, and closes.
 *
 * <p>A blocking socket write has no timeout in Java, so a client that stops reading would hold a
 * blocking server forever. This class therefore writes in non-blocking mode and waits for the
 * socket to become writable with a {@link Selector}, at most the idle timeout per wait and never
 * past the request's deadline. File contents go with {@link FileChannel#transferTo}, which on Linux
 * is one {@code sendfile} call per chunk: no copy through the Java heap.
 *
 * <p>One instance serves one data connection on one thread.
 */
public final class DataConnection implements Closeable {
    private final SocketChannel channel;
    private final Selector selector;
    private final Duration idleTimeout;
    private final long deadlineNanos;

    private DataConnection(SocketChannel channel, Selector selector, Duration idleTimeout, long deadlineNanos) {
        this.channel = channel;
        this.selector = selector;
        this.idleTimeout = idleTimeout;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Connects to {@code address}, waiting at most {@code connectTimeout}.
     *
     * @param deadlineNanos the {@link System#nanoTime()} by which every byte must have been sent
     */
    public static DataConnection open(InetSocketAddress address, Duration connectTimeout, Duration idleTimeout,
                                      long deadlineNanos) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            long left = deadlineNanos - System.nanoTime();
            channel.socket().connect(address, millis(Math.min(connectTimeout.toNanos(), left)));
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_WRITE);
            return new DataConnection(channel, selector, idleTimeout, deadlineNanos);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The client's address and port, as connected. */
    public InetSocketAddress remoteAddress() throws IOException {
        return (InetSocketAddress) channel.getRemoteAddress();
    }

    /** Sends every remaining byte of {@code bytes}. */
    public void send(ByteBuffer bytes) throws IOException {
        // BEGIN SOLUTION
        // TODO(stage1.6): send every byte; when the socket is full, wait until it is writable
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) == 0) {
                awaitWritable(bytes.remaining());
            }
        }
        // END SOLUTION
    }

    /** Sends exactly {@code count} bytes of {@code file} from its start. */
    public void send(FileChannel file, long count) throws IOException {
        // BEGIN SOLUTION
        // TODO(stage1.6): send exactly count bytes of the file with transferTo; a full socket waits
        long position = 0;
        while (position < count) {
            long sent = file.transferTo(position, count - position, channel);
            if (sent > 0) {
                position += sent;
            } else if (position >= file.size()) {
                throw new IOException("the file shrank to " + file.size() + " bytes while " + count + " were being sent");
            } else {
                awaitWritable(count - position);
            }
        }
        // END SOLUTION
    }

    /** Waits until the client has read enough for more bytes to fit, at most the idle timeout, never past the deadline. */
    private void awaitWritable(long bytesLeft) throws IOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("the transfer deadline passed with " + bytesLeft + " bytes left to send");
        }
        boolean deadlineFirst = left < idleTimeout.toNanos();
        int ready = selector.select(millis(Math.min(idleTimeout.toNanos(), left)));
        selector.selectedKeys().clear();
        if (ready == 0 && !deadlineFirst) {
            throw new SocketTimeoutException("the client read nothing for " + idleTimeout.toMillis() + " ms ("
                    + bytesLeft + " bytes left to send)");
        }
        // ready == 0 with the deadline first: the check above reports it on the next call.
    }

    /** Closes the connection; bytes already sent still reach the client, followed by the end of stream. */
    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }

    private static int millis(long nanos) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos)));
    }
}
