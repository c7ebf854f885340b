package transferlab.upload;

import java.io.IOException;

/** The server refused an upload ({@code error …}) or broke the protocol; the message says which. */
public final class UploadFailedException extends IOException {
    public UploadFailedException(String message) {
        super(message);
    }
}
