package transferlab.testkit;

import java.time.Duration;

/**
 * One factor that scales every timeout of the protocol suite, for slow graders and slow student
 * servers: {@code ./transfer check ... --timeout-factor 3} (or {@code -Dtransferlab.timeoutFactor=3})
 * makes every wait three times as long. Contracts write their waits as
 * {@code SuiteTimeouts.scaled(Duration.ofSeconds(5))} instead of a bare constant.
 *
 * <p>A grading run ({@code ./transfer check}) installs its factor while it runs ({@link #install});
 * without one installed, the system property is read (Maven, {@code -D}). The contracts call
 * {@link #scaled} from static helpers and client threads, which is why the factor is one value per
 * JVM here rather than an object handed to each test. Grading runs at once in one JVM (the grader's
 * own tests run some side by side) share it: a run with another factor waits until they end.
 */
public final class SuiteTimeouts {
    /** The system property that holds the factor; absent means 1. */
    public static final String PROPERTY = "transferlab.timeoutFactor";

    /** How long a run waits for runs with another factor to end; a grading run has a time limit far below it. */
    static final Duration WAIT_FOR_OTHER_FACTOR = Duration.ofMinutes(10);

    private static volatile Double installed; // written under the class lock
    private static int runsHoldingIt;

    private SuiteTimeouts() {
    }

    /**
     * Installs the factor of a grading run until the returned handle is closed. Runs with the same
     * factor hold it together; a run with another one waits until none holds it (the factor is one
     * value per JVM).
     */
    public static synchronized Installed install(double factor) {
        long waitEnds = System.nanoTime() + WAIT_FOR_OTHER_FACTOR.toNanos();
        while (runsHoldingIt > 0 && installed != factor) {
            long left = waitEnds - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("a grading run with timeout factor " + factor + " waited "
                        + WAIT_FOR_OTHER_FACTOR.toMinutes() + " min for the runs with factor " + installed + " to end");
            }
            try {
                SuiteTimeouts.class.wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to install timeout factor " + factor, e);
            }
        }
        installed = factor;
        runsHoldingIt++;
        return new Installed();
    }

    /** A run's hold on the installed factor; closing it lets the factor go once no run holds it. */
    public static final class Installed implements AutoCloseable {
        private boolean closed;

        private Installed() {
        }

        @Override
        public void close() {
            synchronized (SuiteTimeouts.class) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--runsHoldingIt == 0) {
                    installed = null; // back to the system property
                    SuiteTimeouts.class.notifyAll();
                }
            }
        }
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
