package transferlab.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * The accept step of every blocking server, which must outlive a failed accept (issue 11, item 6a).
 * accept() fails while the listener is open when the process is out of file descriptors (EMFILE,
 * "Too many open files") or the system out of buffers; the client then still waits in the backlog.
 * Ending the server there would turn a moment of overload into an outage, and trying again at once
 * would spin a core, so: log it, pause briefly (as nginx does), try again.
 */
public final class AcceptFailures {
    /** How long to wait after a failed accept before the next try. */
    public static final long PAUSE_MILLIS = 100;

    private AcceptFailures() {
    }

    /** The next connection, or null once the listener is closed (a normal stop). */
    public static Socket acceptNext(ServerSocket listener, ServerLog log) throws IOException {
        while (true) {
            try {
                return listener.accept();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return null;
                }
                pauseAfter(e, log);
            }
        }
    }

    /** After an accept failed with the listener still open: log it, and wait a moment before the next try. */
    public static void pauseAfter(IOException failure, ServerLog log) throws IOException {
        log.info("accept failed: " + failure.getMessage() + "; trying again in " + PAUSE_MILLIS + " ms");
        try {
            TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to accept again", interrupted);
        }
    }
}
