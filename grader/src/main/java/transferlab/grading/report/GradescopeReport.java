package transferlab.grading.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import transferlab.grading.CheckResult;
import transferlab.grading.RequirementVerdict;
import transferlab.grading.Verdict;

/**
 * Gradescope's {@code results.json}: the total {@code score}, and one entry in {@code tests} per
 * requirement with its {@code score}, {@code max_score}, {@code status} ("passed"/"failed"),
 * {@code output} (expected versus actual, and the failing test's timeline) and {@code visibility}
 * from the points file. A requirement that did not apply (N/A) is not a test entry, so that it is
 * never shown as passed and its points are not in the score: the top-level {@code output} lists it
 * with the reason and the points left unchecked.
 * See https://gradescope-autograders.readthedocs.io/en/latest/specs/.
 */
public final class GradescopeReport {
    /** Failed tests described per requirement: enough to act on, short enough to read. */
    static final int SHOWN_FAILURES = 5;

    private GradescopeReport() {
    }

    public static void write(CheckResult result, Path file) throws IOException {
        List<Map<String, Object>> tests = new ArrayList<>();
        for (RequirementVerdict verdict : result.verdicts()) {
            if (verdict.verdict() == Verdict.NOT_APPLICABLE) {
                continue; // said in the top-level output instead
            }
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("name", verdict.requirement()
                    + (verdict.rule().title().isBlank() ? "" : " " + verdict.rule().title()));
            test.put("number", verdict.requirement());
            test.put("score", verdict.score());
            test.put("max_score", verdict.maxScore());
            test.put("status", verdict.verdict() == Verdict.FAIL ? "failed" : "passed");
            test.put("output", output(verdict));
            test.put("visibility", verdict.rule().visibility());
            tests.add(test);
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("score", result.score());
        results.put("execution_time", result.duration().toSeconds());
        results.put("output", summary(result));
        results.put("visibility", "visible");
        results.put("tests", tests);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), results);
    }

    private static String summary(CheckResult result) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "Protocol %s (%s): %s of %s points; %d passed, %d failed, %d not applicable. %s",
                result.protocol().requirementPrefix(), result.protocol().commandName(),
                TerminalReport.number(result.score()), TerminalReport.number(result.maxScore()),
                result.count(Verdict.PASS), result.count(Verdict.FAIL), result.count(Verdict.NOT_APPLICABLE),
                result.extensions() ? "Core and extension requirements." : "Core requirements."));
        if (!result.sandbox().isBlank()) {
            text.append("\nSandbox: ").append(result.sandbox()).append('.');
        }
        List<RequirementVerdict> notApplicable = result.verdicts().stream()
                .filter(verdict -> verdict.verdict() == Verdict.NOT_APPLICABLE).toList();
        if (!notApplicable.isEmpty()) {
            text.append(String.format(Locale.ROOT, "%nNot checked, so not in the score (%s points), and not listed "
                    + "as tests:", TerminalReport.number(result.notApplicablePoints())));
            notApplicable.forEach(verdict -> text.append("\n  ").append(verdict.requirement()).append(" (")
                    .append(TerminalReport.number(verdict.maxScore())).append(" points): ")
                    .append(verdict.reason().lines().findFirst().orElse("")));
        }
        if (!result.stopped().isBlank()) {
            text.append("\nStopped early: ").append(result.stopped()).append("; every test not run counts as failed.");
        }
        if (!result.flakyFailedRuns().isEmpty()) {
            text.append("\nFlaky over ").append(result.runs()).append(" runs: ").append(result.flakyFailedRuns());
        }
        return text.toString();
    }

    private static String output(RequirementVerdict verdict) {
        StringBuilder text = new StringBuilder();
        switch (verdict.verdict()) {
            case PASS -> text.append("Passed: ").append(verdict.tests().size()).append(" test(s).");
            case NOT_APPLICABLE -> text.append("Not applicable: ").append(verdict.reason());
            case FAIL -> {
                verdict.failures().stream().limit(SHOWN_FAILURES).forEach(test -> {
                    text.append(test.name()).append(":\n").append(test.message().indent(2));
                    if (!test.timelineText().isBlank()) {
                        text.append(test.timelineText().indent(2));
                    }
                    if (!test.output().isBlank()) {
                        text.append(test.output().indent(2));
                    }
                });
                if (verdict.failures().size() > SHOWN_FAILURES) {
                    text.append("... and ").append(verdict.failures().size() - SHOWN_FAILURES)
                            .append(" more failed test(s)");
                }
            }
        }
        return text.toString().stripTrailing();
    }
}
