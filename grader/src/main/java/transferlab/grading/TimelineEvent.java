package transferlab.grading;

import java.time.Duration;
import java.util.Locale;

/**
 * One line of a failed test's timeline: when, relative to the test's start, who (the test itself,
 * or a program it started, e.g. "server") did or printed what.
 *
 * <pre>
 *    0.012 s  test    sent the header of notes.txt (8 + 9 bytes)
 *    0.015 s  server  got header: 1000 bytes for notes.txt
 *    5.004 s  test    nothing came back by 5.00 s
 * </pre>
 */
public record TimelineEvent(Duration at, String source, String text) {
    /** The event as one line of a report. */
    public String line() {
        return String.format(Locale.ROOT, "%7.3f s  %-7s %s", at.toNanos() / 1e9, source, text);
    }
}
