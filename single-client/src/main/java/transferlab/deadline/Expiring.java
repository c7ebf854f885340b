package transferlab.deadline;

/**
 * A connection of an event loop, as its timers see it: when its clock next runs out, what to do
 * then, and whether it is done. {@link Deadline#fireExpired} runs the ones that are due.
 */
public interface Expiring {
    /** The {@link System#nanoTime()} at which {@link #onTimer} has work, as {@link Deadline#nextExpiry()}. */
    long nextExpiry();

    /** Called once {@code now} has reached {@link #nextExpiry()}; never throws. */
    void onTimer(long now);

    /** True once the connection is closed: the loop forgets it. */
    boolean isClosed();
}
