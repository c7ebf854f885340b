package transferlab.ft;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import transferlab.deadline.Deadline;
import transferlab.deadline.DeadlinePassedException;

/**
 * The server's end of protocol F's data connection: it connects to the client's data port, sends
 * bytes, and closes.
 *
 * <p>A blocking socket write has no timeout in Java, so a client that stops reading would hold a
 * blocking server forever. This class therefore writes in non-blocking mode and waits for the
 * socket to become writable with a {@link Selector}, never longer than the request's {@link Deadline}
 * allows (the idle timeout since the client last took a byte, and the transfer deadline). File
 * contents go with {@link FileChannel#transferTo}, which on Linux is one {@code sendfile} call per
 * chunk: no copy through the Java heap.
 *
 * <p>One instance serves one data connection on one thread.
 */
public final class DataConnection implements Closeable {
    private final SocketChannel channel;
    private final Selector selector;
    private final Deadline deadline;

    private DataConnection(SocketChannel channel, Selector selector, Deadline deadline) {
        this.channel = channel;
        this.selector = selector;
        this.deadline = deadline;
    }

    /**
     * Connects to {@code address}, waiting at most {@code connectTimeout} and never past the request's
     * {@code deadline}, which then times the sending.
     */
    public static DataConnection open(InetSocketAddress address, Duration connectTimeout, Deadline deadline)
            throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            long now = System.nanoTime();
            // The connect timeout is an idle window of its own, under the same transfer deadline.
            channel.socket().connect(address, deadline.withIdleTimeout(now, connectTimeout).nextWaitMillis(now));
            deadline.progress(System.nanoTime());
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_WRITE);
            return new DataConnection(channel, selector, deadline);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Sends every remaining byte of {@code bytes}. */
    public void send(ByteBuffer bytes) throws IOException {
        // BEGIN SOLUTION
        // TODO(stage1.6): send every byte; when the socket is full, wait until it is writable
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) > 0) {
                deadline.progress(System.nanoTime());
            } else {
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
                deadline.progress(System.nanoTime());
            } else if (position >= file.size()) {
                throw new IOException("the file shrank to " + file.size() + " bytes while " + count
                        + " were being sent");
            } else {
                awaitWritable(count - position);
            }
        }
        // END SOLUTION
    }

    /** Waits until the client has read enough for more bytes to fit, as long as the deadline allows. */
    private void awaitWritable(long bytesLeft) throws IOException {
        long now = System.nanoTime();
        Deadline.Passed passed = deadline.passed(now);
        if (passed != null) {
            throw new DeadlinePassedException(passed, deadline.message(passed) + " with " + bytesLeft
                    + " bytes left to send");
        }
        selector.select(deadline.nextWaitMillis(now));
        selector.selectedKeys().clear(); // ready or not, the caller writes what fits and comes back
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
}
