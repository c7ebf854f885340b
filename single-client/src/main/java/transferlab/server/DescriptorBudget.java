package transferlab.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.Semaphore;

/**
 * How many connections the process's file descriptors allow (issue 11, item 6a). Every connection
 * costs descriptors (its socket, and the file it writes or reads), and when they run out, nothing
 * works any more: accept() fails, a temporary file cannot be created, even the time zone data for a
 * log line cannot be opened. So a server derives a ceiling from its descriptor limit at start, keeps
 * a reserve, warns when {@code --max-connections} asks for more (as nginx warns when
 * {@code worker_connections} exceeds the open file limit), and turns away with its busy answer
 * whoever comes beyond the ceiling.
 *
 * <p>Two ways to use it. A server whose connections all cost the same caps its connection limit at
 * start ({@link #cap}). A server whose connections cost different numbers (the ranged server: a
 * control connection one descriptor, a data listener two, its socket and its file; a data connection
 * one) counts what they hold in an instance ({@link #ofThisProcess}): {@link #tryTake} before it opens
 * them, turning the peer away if that fails, and {@link #giveBack} once they are closed.
 */
public final class DescriptorBudget {
    /** Descriptors kept free for everything else: accepting to refuse, class files, logs, the JVM. */
    public static final int RESERVE = 64;

    private final int total;
    private final Semaphore free; // a counting semaphore never blocked on: tryAcquire only

    /** A budget of {@code descriptors}; tests give a small one, servers take {@link #ofThisProcess}. */
    public DescriptorBudget(int descriptors) {
        if (descriptors < 1) {
            throw new IllegalArgumentException("a descriptor budget must be at least 1, was " + descriptors);
        }
        this.total = descriptors;
        this.free = new Semaphore(descriptors);
    }

    /**
     * The descriptors not yet open, less the reserve; says so on {@code log} if {@code mostWanted}, what
     * the server's limits could hold at once, is more ({@code wantedBy} says whose limits).
     */
    public static DescriptorBudget ofThisProcess(int mostWanted, String wantedBy, ServerLog log) {
        int ceiling = ceiling(1);
        if (mostWanted > ceiling) {
            log.info("warning: " + wantedBy + " may hold " + mostWanted + " descriptors at once, more than the open"
                    + " file limit allows: " + limitText() + "; holding at most " + ceiling
                    + ", 'busy' beyond (raise the limit with ulimit -n)");
        }
        return new DescriptorBudget(ceiling);
    }

    /** Takes {@code n} descriptors if they are free; false (and nothing taken) if not. Any thread. */
    public boolean tryTake(int n) {
        return free.tryAcquire(n);
    }

    /** Gives back {@code n} descriptors taken before, once what held them is closed. Any thread. */
    public void giveBack(int n) {
        free.release(n);
    }

    /** How many descriptors are taken now. */
    public int taken() {
        return total - free.availablePermits();
    }

    /** The whole budget. */
    public int total() {
        return total;
    }

    /**
     * The most connections of {@code descriptorsEach} that fit in the descriptors not yet open, less
     * the reserve; at least 1. Unlimited when the platform does not tell (not a Unix).
     */
    public static int ceiling(int descriptorsEach) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof UnixOperatingSystemMXBean unix)) {
            return Integer.MAX_VALUE;
        }
        long free = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - RESERVE;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, free / descriptorsEach));
    }

    /**
     * {@code asked}, or the ceiling if that is lower, and then says so on {@code log}: the operator
     * learns at start, not from the first client turned away.
     *
     * @param option the option that asked, for the message, e.g. {@code --max-connections}
     */
    public static int cap(int asked, int descriptorsEach, String option, ServerLog log) {
        int ceiling = ceiling(descriptorsEach);
        if (asked <= ceiling) {
            return asked;
        }
        log.info("warning: " + option + " " + asked + " exceeds what the open file limit allows: " + limitText()
                + ", " + descriptorsEach + " a connection; serving at most " + ceiling
                + " at once, 'busy' beyond (raise the limit with ulimit -n)");
        return ceiling;
    }

    /** E.g. {@code 1024 descriptors, 23 open, 64 kept in reserve}; only called where the ceiling is finite (Unix). */
    private static String limitText() {
        UnixOperatingSystemMXBean unix = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return unix.getMaxFileDescriptorCount() + " descriptors, " + unix.getOpenFileDescriptorCount() + " open, "
                + RESERVE + " kept in reserve";
    }
}
