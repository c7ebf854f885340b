package transferlab.upload;

import java.time.Duration;

/**
 * The named limits of an upload server, with the defaults the command line uses.
 *
 * @param maxContentBytes a larger announced size is refused before any content is read
 * @param headerSettle    how long the server waits after the last header byte for more name bytes
 *                        (the header has no length field; see resources/protocols/upload.md, U4);
 *                        zero trusts the first read to hold the whole header
 * @param idleTimeout     the longest any single read may wait for a byte
 * @param transferDeadline the longest one whole upload may take, header to "ok"
 * @param maxConnections  how many clients a concurrent server serves at once (stage 2)
 * @param maxPerAddress   how many of them may come from one peer address (stage 2)
 */
public record UploadLimits(long maxContentBytes, Duration headerSettle, Duration idleTimeout,
                           Duration transferDeadline, int maxConnections, int maxPerAddress) {
    public static final long DEFAULT_MAX_CONTENT_BYTES = 4L << 30; // 4 GiB
    public static final Duration DEFAULT_HEADER_SETTLE = Duration.ofMillis(50);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TRANSFER_DEADLINE = Duration.ofMinutes(15);
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /**
     * Connections one peer address may hold at once: a sixteenth of the default slots, far more than
     * one honest host needs, far fewer than it takes to lock everybody else out (issue 11).
     */
    public static final int DEFAULT_MAX_PER_ADDRESS = 64;

    public UploadLimits {
        if (maxContentBytes < 0) {
            throw new IllegalArgumentException("maxContentBytes must be >= 0, was " + maxContentBytes);
        }
        if (headerSettle.isNegative() || idleTimeout.isNegative() || idleTimeout.isZero()
                || transferDeadline.isNegative() || transferDeadline.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive (the settle window may be 0): "
                    + headerSettle + ", " + idleTimeout + ", " + transferDeadline);
        }
        if (maxConnections < 1 || maxPerAddress < 1) {
            throw new IllegalArgumentException("maxConnections and maxPerAddress must be >= 1, were "
                    + maxConnections + ", " + maxPerAddress);
        }
    }

    public static UploadLimits defaults() {
        return new UploadLimits(DEFAULT_MAX_CONTENT_BYTES, DEFAULT_HEADER_SETTLE, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_TRANSFER_DEADLINE, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PER_ADDRESS);
    }

    public UploadLimits withMaxContentBytes(long value) {
        return new UploadLimits(value, headerSettle, idleTimeout, transferDeadline, maxConnections, maxPerAddress);
    }

    public UploadLimits withHeaderSettle(Duration value) {
        return new UploadLimits(maxContentBytes, value, idleTimeout, transferDeadline, maxConnections, maxPerAddress);
    }

    public UploadLimits withIdleTimeout(Duration value) {
        return new UploadLimits(maxContentBytes, headerSettle, value, transferDeadline, maxConnections, maxPerAddress);
    }

    public UploadLimits withTransferDeadline(Duration value) {
        return new UploadLimits(maxContentBytes, headerSettle, idleTimeout, value, maxConnections, maxPerAddress);
    }

    public UploadLimits withMaxConnections(int value) {
        return new UploadLimits(maxContentBytes, headerSettle, idleTimeout, transferDeadline, value, maxPerAddress);
    }

    public UploadLimits withMaxPerAddress(int value) {
        return new UploadLimits(maxContentBytes, headerSettle, idleTimeout, transferDeadline, maxConnections, value);
    }
}
