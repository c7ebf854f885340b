package transferlab.testkit;

import java.time.Duration;

/**
 * One factor that scales every timeout of the protocol suite, for slow graders and slow student
 * servers: {@code ./transfer check ... --timeout-factor 3} (or {@code -Dtransferlab.timeoutFactor=3})
 * makes every wait three times as long. Contracts write their waits as
 * {@code SuiteTimeouts.scaled(Duration.ofSeconds(5))} instead of a bare constant.
 *
 * <p>The factor is read on every call, so the grader may set it just before it runs a contract.
 */
public final class SuiteTimeouts {
    /** The system property that holds the factor; absent means 1. */
    public static final String PROPERTY = "transferlab.timeoutFactor";

    private SuiteTimeouts() {
    }

    /** The current factor (at least 1 is not enforced: 0.5 makes a fast machine's run quicker). */
    public static double factor() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return 1.0;
        }
        try {
            double factor = Double.parseDouble(value.trim());
            if (factor > 0 && Double.isFinite(factor)) {
                return factor;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException(PROPERTY + " must be a positive number, was '" + value + "'");
    }

    /** {@code timeout} times the factor. */
    public static Duration scaled(Duration timeout) {
        return Duration.ofNanos(Math.round(timeout.toNanos() * factor()));
    }

    /** {@code millis} times the factor, for APIs that take milliseconds (e.g. {@code Socket.setSoTimeout}). */
    public static int scaledMillis(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, Math.round(millis * factor()));
    }
}
