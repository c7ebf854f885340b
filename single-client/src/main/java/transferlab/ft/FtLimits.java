package transferlab.ft;

import java.time.Duration;

/**
 * The named limits of a list/get server (protocol F), with the defaults the command line uses.
 *
 * @param maxCommandLineBytes the longest control line, newline included; a longer one is refused with
 *                            {@code ERROR line-too-long} (the longest valid line, a GET of a 255-byte
 *                            name to port 65535, is 266 bytes)
 * @param idleTimeout         the longest any single read or write may wait
 * @param connectTimeout      the longest the server waits for the client's data port to answer
 * @param transferDeadline    the longest one whole request may take, first byte of the command to the
 *                            last byte of data
 */
public record FtLimits(int maxCommandLineBytes, Duration idleTimeout, Duration connectTimeout,
                            Duration transferDeadline) {
    public static final int DEFAULT_MAX_COMMAND_LINE_BYTES = 512;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TRANSFER_DEADLINE = Duration.ofMinutes(15);
    /** Below this a valid GET line might not fit; see {@link FtRequest#MAX_VALID_LINE_BYTES}. */
    private static final int SMALLEST_SENSIBLE_LINE_LIMIT = 16;

    public FtLimits {
        if (maxCommandLineBytes < SMALLEST_SENSIBLE_LINE_LIMIT) {
            throw new IllegalArgumentException("maxCommandLineBytes must be >= " + SMALLEST_SENSIBLE_LINE_LIMIT
                    + ", was " + maxCommandLineBytes);
        }
        for (Duration timeout : new Duration[] {idleTimeout, connectTimeout, transferDeadline}) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: idle " + idleTimeout
                        + ", connect " + connectTimeout + ", deadline " + transferDeadline);
            }
        }
    }

    public static FtLimits defaults() {
        return new FtLimits(DEFAULT_MAX_COMMAND_LINE_BYTES, DEFAULT_IDLE_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_TRANSFER_DEADLINE);
    }

    public FtLimits withMaxCommandLineBytes(int value) {
        return new FtLimits(value, idleTimeout, connectTimeout, transferDeadline);
    }

    public FtLimits withIdleTimeout(Duration value) {
        return new FtLimits(maxCommandLineBytes, value, connectTimeout, transferDeadline);
    }

    public FtLimits withConnectTimeout(Duration value) {
        return new FtLimits(maxCommandLineBytes, idleTimeout, value, transferDeadline);
    }

    public FtLimits withTransferDeadline(Duration value) {
        return new FtLimits(maxCommandLineBytes, idleTimeout, connectTimeout, value);
    }
}
