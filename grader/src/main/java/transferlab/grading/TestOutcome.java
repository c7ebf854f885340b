package transferlab.grading;

import java.time.Duration;
import java.util.List;

/**
 * How one contract test ended, and the requirements it counts for.
 *
 * @param name         the test's name as a person reads it, e.g. "uploadReadsExactlySizeBytes()"
 * @param requirements the IDs it cites
 * @param verdict      passed, failed (or not run after the run stopped), or not applicable (aborted by an assumption)
 * @param message      why it failed or does not apply (expected versus actual), empty when it passed
 * @param output       what the test itself printed (tail), empty when nothing
 * @param duration     how long it ran
 * @param timeline     for a failed test: its own notes and its server's lines, on the test's clock
 */
public record TestOutcome(String name, List<String> requirements, Verdict verdict, String message, String output,
                          Duration duration, List<TimelineEvent> timeline) {
    public TestOutcome {
        timeline = List.copyOf(timeline);
    }

    /** The timeline as lines of text, for the terminal, JUnit XML and results.json; empty when none. */
    public String timelineText() {
        if (timeline.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("timeline (seconds since the test started):\n");
        timeline.forEach(event -> text.append("  ").append(event.line()).append('\n'));
        return text.toString();
    }
}
