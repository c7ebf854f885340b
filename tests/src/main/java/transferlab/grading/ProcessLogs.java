package transferlab.grading;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the programs started for a test (a student's server or client) printed, kept with that
 * test so that a failure shows the student's own traceback beside the suite's message. Tests run
 * one at a time, so "the test now running" is one field set by the runner's listener.
 */
final class ProcessLogs {
    /** How much of a program's output a verdict shows: its last lines. */
    static final int TAIL_LINES = 12;

    private static volatile String runningTest;
    private static final Map<String, StringBuilder> OUTPUT = new ConcurrentHashMap<>();

    private ProcessLogs() {
    }

    static void testStarted(String testId) {
        runningTest = testId;
    }

    /** Records the tail of {@code logFile} under the running test, labelled e.g. "server (exit 1)". */
    static void record(String label, Path logFile) {
        String test = runningTest;
        if (test == null) {
            return;
        }
        String tail = tail(logFile, TAIL_LINES);
        if (tail.isBlank()) {
            return;
        }
        OUTPUT.computeIfAbsent(test, id -> new StringBuilder())
                .append(label).append(" printed:\n").append(tail.indent(4));
    }

    /** The output recorded for a test, and forgets it. */
    static String take(String testId) {
        StringBuilder output = OUTPUT.remove(testId);
        return output == null ? "" : output.toString();
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return ""; // nothing printed, or not valid UTF-8: show nothing rather than fail the verdict
        }
    }
}
