package transferlab.deadline;

import java.net.SocketTimeoutException;

/**
 * A {@link Deadline} ran out while a transfer waited. It is a {@link SocketTimeoutException}, so
 * code that only logs timeouts needs no new catch; code that answers the client asks
 * {@link #passed()} which clock it was.
 */
public final class DeadlinePassedException extends SocketTimeoutException {
    private final Deadline.Passed passed;

    public DeadlinePassedException(Deadline.Passed passed, String message) {
        super(message);
        this.passed = passed;
    }

    public Deadline.Passed passed() {
        return passed;
    }
}
