package transferlab.update;

import java.io.IOException;

/** A poll failed: a wrong hash, a bad offer, or a server that broke protocol D. The message says which. */
public final class UpdateFailedException extends IOException {
    public UpdateFailedException(String message) {
        super(message);
    }
}
