package transferlab.testkit;

import java.time.Duration;

/**
 * One factor that scales every timeout of the protocol suite, for slow graders and slow student
 * servers: {@code ./transfer check ... --timeout-factor 3} (or {@code -Dtransferlab.timeoutFactor=3})
 * makes every wait three times as long. Contracts write their waits as
 * {@code SuiteTimeouts.scaled(Duration.ofSeconds(5))} instead of a bare constant.
 *
 * <p>{@code ./transfer check} passes the factor as the JUnit configuration parameter of the same
 * name; the grader's extension installs it for the check class it runs ({@link #use}) and removes it
 * afterwards. Without one installed, the system property is read (Maven, {@code -D}). The contracts
 * call {@link #scaled} from static helpers and client threads, which is why the factor is one value
 * here rather than an object handed to each test.
 */
public final class SuiteTimeouts {
    /** The system property that holds the factor; absent means 1. */
    public static final String PROPERTY = "transferlab.timeoutFactor";

    private static volatile Double installed;

    private SuiteTimeouts() {
    }

    /** Installs the factor of a grading run (null: back to the system property). */
    public static void use(Double factor) {
        installed = factor;
    }

    /** The current factor (at least 1 is not enforced: 0.5 makes a fast machine's run quicker). */
    public static double factor() {
        Double run = installed;
        if (run != null) {
            return run;
        }
        return parse(System.getProperty(PROPERTY));
    }

    /** A factor as written on a command line or in a property; null or blank means 1. */
    public static double parse(String value) {
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
