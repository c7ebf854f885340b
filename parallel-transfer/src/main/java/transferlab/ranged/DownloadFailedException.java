package transferlab.ranged;

import java.io.IOException;

/** A ranged download did not produce an intact file; the message says why in one line. */
public final class DownloadFailedException extends IOException {
    public DownloadFailedException(String message) {
        super(message);
    }

    public DownloadFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
