package transferlab.contract.upload;

import java.time.Duration;

/**
 * The limits a test of {@link UploadContract} starts an upload server with: the suite's own record
 * of what it asks (resources/protocols/upload.md names each limit), not a stage's class, so the
 * contract runs the same in a student tree, where the stages are exercises. Whoever starts the
 * server turns it into that server's limits: our reference servers into their {@code UploadLimits}
 * (src/test), the grader into command-line placeholders ({@code {max-size}}, {@code {idle-timeout}},
 * {@code {deadline}}, {@code {header-settle}}).
 *
 * @param maxContentBytes  a larger announced size is refused before any content is read (U9)
 * @param headerSettle     how long a server waits after the last header byte for more name bytes (U4)
 * @param idleTimeout      the longest any single read may wait for a byte (U11)
 * @param transferDeadline the longest one whole upload may take, header to "ok" (U11)
 */
public record UploadTestLimits(long maxContentBytes, Duration headerSettle, Duration idleTimeout,
                               Duration transferDeadline) {
    /** U4's settle window, which a server keeps unless told otherwise. */
    public static final Duration SPEC_HEADER_SETTLE = Duration.ofMillis(50);
    /** A deadline no test reaches unless it sets a shorter one. */
    public static final Duration UNREACHED_DEADLINE = Duration.ofMinutes(15);

    /** {@code maxContentBytes} and {@code idleTimeout}, the settle window of the spec, a far deadline. */
    public static UploadTestLimits of(long maxContentBytes, Duration idleTimeout) {
        return new UploadTestLimits(maxContentBytes, SPEC_HEADER_SETTLE, idleTimeout, UNREACHED_DEADLINE);
    }

    public UploadTestLimits withHeaderSettle(Duration value) {
        return new UploadTestLimits(maxContentBytes, value, idleTimeout, transferDeadline);
    }

    public UploadTestLimits withIdleTimeout(Duration value) {
        return new UploadTestLimits(maxContentBytes, headerSettle, value, transferDeadline);
    }

    public UploadTestLimits withTransferDeadline(Duration value) {
        return new UploadTestLimits(maxContentBytes, headerSettle, idleTimeout, value);
    }
}
