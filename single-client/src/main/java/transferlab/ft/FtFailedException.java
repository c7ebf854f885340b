package transferlab.ft;

import java.io.IOException;

/**
 * A LIST or GET did not succeed: the server refused ({@code ERROR …}) or broke the protocol; the message says which.
 */
public final class FtFailedException extends IOException {
    public FtFailedException(String message) {
        super(message);
    }

    public FtFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
