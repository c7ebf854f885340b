package transferlab.upload;

import java.nio.charset.StandardCharsets;

/**
 * Why a server refuses an upload. It travels as one line, {@code error <code>: <detail>\n}, where
 * the code is one stable word a program can match ({@code bad-header}, {@code bad-name},
 * {@code bad-size}, {@code too-large}, {@code timeout}, {@code busy}, {@code storage}) and the
 * detail names the bad value for a person.
 */
public final class UploadRefusal extends Exception {
    private final String code;

    public UploadRefusal(String code, String detail) {
        super(code + ": " + detail);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The bytes sent to the client: {@code error <code>: <detail>\n}. */
    public byte[] wireLine() {
        return ("error " + getMessage().replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
