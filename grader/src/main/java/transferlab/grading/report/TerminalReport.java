package transferlab.grading.report;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import transferlab.grading.CheckResult;
import transferlab.grading.CheckRunExtension;
import transferlab.grading.RequirementVerdict;
import transferlab.grading.TestOutcome;
import transferlab.grading.Verdict;

/**
 * The verdicts as a person reads them in a terminal, one requirement per line as h2spec does,
 * with what was expected and what came under each failure, and a score line.
 *
 * <pre>
 *   PASS  U1   2/2  The header is 8 bytes of size (big-endian) and the name
 *   FAIL  U5   0/3  The server reads exactly size bytes of content
 *         x uploadThenMoreBytes(): [the stored file] expected: 1000 bytes but was: 1007 bytes
 *           timeline (seconds since the test started):
 *               0.004 s  server  [started, told to listen on port 41234]
 *               0.112 s  test    sent the header of a.bin (8 + 5 bytes)
 *               0.115 s  server  storing a.bin
 *   N/A   U8   0/2  A broken upload leaves nothing behind
 *         - not checked: needs the server's directory (not visible with --target)
 *   Score: 17/22 points; 9 passed, 1 failed, 1 not applicable (2 points not checked: U8)
 * </pre>
 * N/A is never a pass: its points stay in the maximum and are not earned.
 */
public final class TerminalReport {
    /** Failed tests shown per requirement; the rest are counted (the JUnit XML has them all). */
    static final int SHOWN_FAILURES = 3;

    private TerminalReport() {
    }

    public static void print(CheckResult result, PrintStream out) {
        out.printf(Locale.ROOT, "Protocol %s (%s), %s requirements; %s%n", result.protocol().requirementPrefix(),
                result.protocol().commandName(), result.extensions() ? "core and extension" : "core", result.target());
        if (!result.sandbox().isBlank()) {
            out.println("  sandbox: " + result.sandbox());
        }
        for (RequirementVerdict verdict : result.verdicts()) {
            String points = number(verdict.score()) + "/" + number(verdict.maxScore());
            out.printf(Locale.ROOT, "  %-4s  %-4s %6s  %s%n", verdict.verdict().label(), verdict.requirement(), points,
                    verdict.rule().title());
            int hidden = verdict.failures().size() - SHOWN_FAILURES;
            switch (verdict.verdict()) {
                case FAIL -> {
                    List<TestOutcome> notRun = verdict.failures().stream()
                            .filter(test -> test.message().startsWith(CheckRunExtension.NOT_RUN)).toList();
                    hidden -= notRun.size();
                    verdict.failures().stream().filter(test -> !notRun.contains(test)).limit(SHOWN_FAILURES)
                            .forEach(test -> printFailure(test, out));
                    if (hidden > 0) {
                        out.print(("... and " + hidden + " more failed test(s) of " + verdict.requirement()).indent(8));
                    }
                    if (!notRun.isEmpty()) {
                        out.print(("x " + notRun.size() + " test(s) " + notRun.get(0).message()).indent(8));
                    }
                }
                case NOT_APPLICABLE -> {
                    String why = verdict.reason();
                    String first = why.isBlank() ? "not applicable" : why.lines().findFirst().orElse("");
                    out.print(("- not checked: " + first).indent(8));
                }
                case PASS -> {
                }
            }
        }
        for (String warning : result.warnings()) {
            out.println("  warning: " + warning);
        }
        if (!result.stopped().isBlank()) {
            out.println("  stopped early: " + result.stopped() + "; every test not run counts as failed");
        }
        if (result.runs() > 1) {
            out.printf(Locale.ROOT, "  %d runs; flaky (failed in some runs, passed in others): %s%n", result.runs(),
                    result.flakyFailedRuns().isEmpty() ? "none"
                            : String.join(", ", new java.util.TreeMap<>(result.flakyFailedRuns()).entrySet().stream()
                                    .map(e -> e.getKey() + " failed " + e.getValue() + " of " + result.runs())
                                    .toList()));
        }
        List<String> notChecked = result.verdicts().stream()
                .filter(verdict -> verdict.verdict() == Verdict.NOT_APPLICABLE && verdict.maxScore() > 0)
                .map(RequirementVerdict::requirement).toList();
        out.printf(Locale.ROOT, "Score: %s/%s points; %d passed, %d failed, %d not applicable%s%s (%.1f s)%n",
                number(result.score()), number(result.maxScore()), result.count(Verdict.PASS),
                result.count(Verdict.FAIL), result.count(Verdict.NOT_APPLICABLE),
                notChecked.isEmpty() ? "" : " (" + number(result.notApplicablePoints()) + " points not checked: "
                        + String.join(", ", notChecked) + ")",
                result.extensionsNotGraded() > 0
                        ? "; " + result.extensionsNotGraded() + " extension requirements not graded (add --extensions)"
                        : "",
                result.duration().toMillis() / 1000.0);
    }

    private static void printFailure(TestOutcome test, PrintStream out) {
        List<String> lines = test.message().lines().toList();
        out.print(("x " + test.name() + ": " + (lines.isEmpty() ? "" : lines.get(0))).indent(8));
        if (lines.size() > 1) {
            out.print(String.join("\n", lines.subList(1, lines.size())).indent(10));
        }
        if (!test.timelineText().isBlank()) {
            out.print(test.timelineText().indent(10));
        }
        if (!test.output().isBlank()) {
            out.print(test.output().indent(10));
        }
    }

    public static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
