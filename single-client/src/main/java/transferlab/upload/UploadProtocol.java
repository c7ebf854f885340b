package transferlab.upload;

import java.nio.charset.StandardCharsets;

/** The fixed bytes of protocol U (resources/protocols/upload.md). */
public final class UploadProtocol {
    /** The server's answer to an acceptable header: 8 ASCII bytes, no newline (seed 004). */
    public static final byte[] GO_AHEAD = "go ahead".getBytes(StandardCharsets.US_ASCII);
    /** The completion line starts with this, followed by the SHA-256 of the stored file in hex and "\n". */
    public static final String OK_PREFIX = "ok ";
    /** A refusal line starts with this, followed by a code, a colon, a detail and "\n". */
    public static final String ERROR_PREFIX = "error ";
    /** The longest reply line a client reads before giving up on the server. */
    public static final int MAX_REPLY_LINE_BYTES = 1024;
    /** The port the command lines use when none is given. */
    public static final int DEFAULT_PORT = 5000;

    private UploadProtocol() {
    }
}
