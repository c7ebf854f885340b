package transferlab.server;

import java.nio.channels.SelectionKey;
import java.util.concurrent.TimeUnit;

/**
 * An event loop's pause in accepting after an accept failed (out of file descriptors, say): the
 * listener stops being selected for a moment, or its still-ready key would spin the loop (nginx
 * does the same), and is selected again when the moment is over. Used by the loop's thread only.
 */
public final class AcceptPause {
    private boolean paused;
    private long until;

    /** Stops selecting {@code acceptKey} for {@link AcceptFailures#PAUSE_MILLIS} from {@code now}. */
    public void start(SelectionKey acceptKey, long now) {
        acceptKey.interestOps(0);
        until = now + TimeUnit.MILLISECONDS.toNanos(AcceptFailures.PAUSE_MILLIS);
        paused = true;
    }

    /**
     * Selects {@code acceptKey} again once the pause is over; returns how long select() may wait:
     * {@code wait} (0: no limit), or less, to wake when the pause ends.
     */
    public long resumeWhenDue(SelectionKey acceptKey, long now, long wait) {
        if (!paused) {
            return wait;
        }
        long left = until - now;
        if (left <= 0) {
            paused = false;
            if (acceptKey.isValid()) {
                acceptKey.interestOps(SelectionKey.OP_ACCEPT);
            }
            return wait;
        }
        long leftMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
        return wait == 0 ? leftMillis : Math.min(wait, leftMillis);
    }
}
