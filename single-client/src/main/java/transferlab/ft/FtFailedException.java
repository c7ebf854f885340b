package transferlab.listget;

import java.io.IOException;

/**
 * A LIST or GET did not succeed: the server refused ({@code ERROR …}) or broke the protocol; the message says which.
 */
public final class ListGetFailedException extends IOException {
    public ListGetFailedException(String message) {
        super(message);
    }

    public ListGetFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
