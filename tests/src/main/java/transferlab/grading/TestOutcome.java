package transferlab.grading;

import java.time.Duration;
import java.util.List;

/**
 * How one contract test ended, and the requirements it counts for.
 *
 * @param name         the test's name as a person reads it, e.g. "uploadReadsExactlySizeBytes()"
 * @param requirements the IDs it cites
 * @param verdict      passed, failed, or not applicable (aborted by an assumption, or skipped)
 * @param message      why it failed or does not apply (expected versus actual), empty when it passed
 * @param output       what the programs started for it printed (tail), empty when nothing
 */
public record TestOutcome(String name, List<String> requirements, Verdict verdict, String message, String output,
                          Duration duration) {
}
