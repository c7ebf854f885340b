package transferlab.ft;

import java.nio.charset.StandardCharsets;

/**
 * Why a list/get server refuses a request. It travels as one line on the control connection,
 * {@code ERROR <code>: <detail>\n}: the code is one stable word a program can match
 * ({@code bad-command}, {@code line-too-long}, {@code bad-port}, {@code bad-name},
 * {@code no-such-file}, {@code not-a-file}, {@code unreadable}, {@code timeout}) and the detail
 * names the bad value for a person.
 */
public final class FtRefusal extends Exception {
    private final String code;

    public FtRefusal(String code, String detail) {
        super(code + ": " + detail);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The bytes sent to the client: {@code ERROR <code>: <detail>\n}, on one line whatever the detail holds. */
    public byte[] wireLine() {
        String oneLine = getMessage().replace('\n', ' ').replace('\r', ' ');
        return (FtProtocol.ERROR_PREFIX + oneLine + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
