package transferlab.update;

import java.util.regex.Pattern;

/**
 * The fixed names and numbers of protocol D, the polling update service (seed 002;
 * resources/protocols/update.md).
 */
public final class UpdateProtocol {
    /** JSON field names, spelled as in seed 002. */
    public static final String CLIENT_ID = "client-id";
    public static final String REQUEST_TYPE = "request-type";
    public static final String FILE_NAME = "file-name";
    public static final String FILE_SIZE = "file-size";
    public static final String FILE_HASH = "file-hash";

    /** The two request types: ask for the next queued file, and confirm one was stored. */
    public static final String POLL = "poll";
    public static final String ACK = "ack";

    /** A file hash on the wire: {@code sha256:} and 64 lower-case hex digits (our extension, D8). */
    public static final String HASH_PREFIX = "sha256:";
    public static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");

    /** The port the command lines use when none is given. */
    public static final int DEFAULT_PORT = 5002;

    private UpdateProtocol() {
    }

    /** {@code sha256:<hex>} for a hex digest. */
    public static String wireHash(String sha256Hex) {
        return HASH_PREFIX + sha256Hex;
    }
}
