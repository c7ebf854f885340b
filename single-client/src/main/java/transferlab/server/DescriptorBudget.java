package transferlab.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many connections the process's file descriptors allow (issue 11, item 6a). Every connection
 * costs descriptors (its socket, and the file it writes or reads), and when they run out, nothing
 * works any more: accept() fails, a temporary file cannot be created, even the time zone data for a
 * log line cannot be opened. So a server derives a ceiling from its descriptor limit at start, keeps
 * a reserve, warns when {@code --max-connections} asks for more (as nginx warns when
 * {@code worker_connections} exceeds the open file limit), and turns away with its busy answer
 * whoever comes beyond the ceiling.
 */
public final class DescriptorBudget {
    /** Descriptors kept free for everything else: accepting to refuse, class files, logs, the JVM. */
    public static final int RESERVE = 64;

    private DescriptorBudget() {
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
        UnixOperatingSystemMXBean unix = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        log.info("warning: " + option + " " + asked + " exceeds what the open file limit allows: "
                + unix.getMaxFileDescriptorCount() + " descriptors, " + unix.getOpenFileDescriptorCount()
                + " open, " + RESERVE + " kept in reserve, " + descriptorsEach + " a connection; serving at most "
                + ceiling + " at once, 'busy' beyond (raise the limit with ulimit -n)");
        return ceiling;
    }
}
