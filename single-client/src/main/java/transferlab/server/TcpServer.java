package transferlab.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A bound server: an accept strategy running a protocol. Tests, the demo and the command lines
 * treat every server of every stage through this interface.
 */
public interface TcpServer extends Closeable {
    /**
     * Room in the listen backlog of stage 2's servers for a burst of clients that connect at the
     * same moment (stage 1's iterative server keeps the JDK's default, 50: it serves one at a time).
     * 4096 is Linux's own ceiling ({@code net.core.somaxconn}) since 5.4; the kernel caps a larger
     * request to it. With 1024, 15,000 clients connecting at once overflowed the queue about 7,000
     * times (nstat TcpExtListenOverflows), each a handshake retried a second later
     * (resources/performance.md, "Many clients").
     */
    int DEFAULT_BACKLOG = 4096;

    /** The address the server is bound to; its port is the real one even if 0 was asked for. */
    InetSocketAddress address();

    /** Accepts and serves connections until {@link #close()} is called from another thread. */
    void serve() throws IOException;

    /** Stops accepting; connections already being served finish or time out on their own. */
    @Override
    void close() throws IOException;

    /** Runs {@link #serve()} on a new thread with the given name and returns that thread. */
    default Thread serveInBackground(String threadName) {
        Thread thread = new Thread(() -> {
            try {
                serve();
            } catch (IOException e) {
                System.err.println(threadName + " stopped: " + e.getMessage());
            }
        }, threadName);
        thread.start();
        return thread;
    }
}
