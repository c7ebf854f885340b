package transferlab.upload;

import java.nio.charset.StandardCharsets;
import transferlab.deadline.Deadline;

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

    /** {@code error timeout} while the header is read (U12, U13): {@code got} header bytes so far. */
    public static UploadRefusal headerTimeout(Deadline deadline, Deadline.Passed passed, int got) {
        return new UploadRefusal("timeout", passed == Deadline.Passed.IDLE_TIMEOUT
                ? "no complete header within " + deadline.idleTimeout().toMillis() + " ms (got " + got + " bytes)"
                : tookLonger(deadline) + " (got " + got + " header bytes)");
    }

    /** {@code error timeout} while the content is read (U12, U13): {@code received} of {@code size} bytes. */
    public static UploadRefusal contentTimeout(Deadline deadline, Deadline.Passed passed, long received, long size) {
        return new UploadRefusal("timeout", (passed == Deadline.Passed.IDLE_TIMEOUT
                ? "no content for " + deadline.idleTimeout().toMillis() + " ms"
                : tookLonger(deadline)) + " (" + received + " of " + size + " bytes)");
    }

    private static String tookLonger(Deadline deadline) {
        return "the upload took longer than the deadline of " + deadline.transferDeadline().toMillis() + " ms";
    }

    public String code() {
        return code;
    }

    /** The bytes sent to the client: {@code error <code>: <detail>\n}. */
    public byte[] wireLine() {
        return ("error " + getMessage().replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
