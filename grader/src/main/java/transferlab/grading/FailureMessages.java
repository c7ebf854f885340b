package transferlab.grading;

import java.util.List;
import transferlab.grading.program.ServerDidNotStart;

/**
 * Turns what a failed test threw into the few lines a verdict shows. AssertJ and Awaitility
 * messages already say what was expected and what came ("expected: ... but was: ..."); they are
 * kept, without blank lines, cut to a length a terminal and Gradescope show well. Anything else
 * (a refused connection, a read that timed out) is named by its type, which is the useful part.
 */
public final class FailureMessages {
    static final int MAX_LINES = 8;
    static final int MAX_LINE_CHARS = 240;

    private FailureMessages() {
    }

    static String of(Throwable thrown) {
        String message = thrown.getMessage();
        // The grader's own "the server did not start" reads as a sentence, like an assertion's message.
        boolean assertion = thrown instanceof AssertionError || thrown instanceof ServerDidNotStart
                || thrown.getClass().getName().startsWith("org.awaitility")
                || thrown.getClass().getName().startsWith("org.opentest4j");
        String text = message == null || message.isBlank()
                ? thrown.getClass().getSimpleName()
                : assertion ? message : thrown.getClass().getSimpleName() + ": " + message;
        if (thrown.getCause() != null && thrown.getCause() != thrown && !assertion) {
            text += " (caused by " + thrown.getCause().getClass().getSimpleName() + ": "
                    + thrown.getCause().getMessage() + ")";
        }
        // Awaitility names the lambda's class before the assertion's own message: noise for a student.
        text = text.replaceFirst("^Assertion condition defined as a [\\w ]+? in [\\w.$]+ ", "");
        if (text.startsWith("Assumption failed: ")) {
            text = text.substring("Assumption failed: ".length()); // the reason alone reads better in a verdict
        }
        List<String> lines = text.lines().map(String::stripTrailing).filter(line -> !line.isBlank())
                .map(line -> line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + " ..." : line)
                .toList();
        if (lines.size() > MAX_LINES) {
            lines = new java.util.ArrayList<>(lines.subList(0, MAX_LINES));
            lines.add("...");
        }
        return String.join("\n", lines);
    }
}
