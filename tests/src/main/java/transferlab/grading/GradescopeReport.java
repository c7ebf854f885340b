package transferlab.grading;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradescope's {@code results.json}: the total {@code score}, and one entry in {@code tests} per
 * requirement with its {@code score}, {@code max_score}, {@code status} ("passed"/"failed"),
 * {@code output} (expected versus actual) and {@code visibility} from the points file.
 * A requirement that did not apply is listed with max_score 0 and says why.
 * See https://gradescope-autograders.readthedocs.io/en/latest/specs/.
 */
final class GradescopeReport {
    /** Failed tests described per requirement: enough to act on, short enough to read. */
    static final int SHOWN_FAILURES = 5;

    private GradescopeReport() {
    }

    static void write(CheckResult result, Path file) throws IOException {
        List<Map<String, Object>> tests = new ArrayList<>();
        for (RequirementVerdict verdict : result.verdicts()) {
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("name", verdict.requirement() + (verdict.rule().title().isBlank() ? "" : " " + verdict.rule().title()));
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
        results.put("output", String.format(java.util.Locale.ROOT,
                "Protocol %s (%s): %d passed, %d failed, %d not applicable. %s", result.protocol().requirementPrefix(),
                result.protocol().commandName(), result.count(Verdict.PASS), result.count(Verdict.FAIL),
                result.count(Verdict.NOT_APPLICABLE), result.extensions() ? "Core and extension requirements." : "Core requirements."));
        results.put("visibility", "visible");
        results.put("tests", tests);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), results);
    }

    private static String output(RequirementVerdict verdict) {
        StringBuilder text = new StringBuilder();
        switch (verdict.verdict()) {
            case PASS -> text.append("Passed: ").append(verdict.tests().size()).append(" test(s).");
            case NOT_APPLICABLE -> text.append("Not applicable: ").append(verdict.reason());
            case FAIL -> {
                verdict.failures().stream().limit(SHOWN_FAILURES).forEach(test -> {
                    text.append(test.name()).append(":\n").append(test.message().indent(2));
                    if (!test.output().isBlank()) {
                        text.append(test.output().indent(2));
                    }
                });
                if (verdict.failures().size() > SHOWN_FAILURES) {
                    text.append("... and ").append(verdict.failures().size() - SHOWN_FAILURES).append(" more failed test(s)");
                }
            }
        }
        return text.toString().stripTrailing();
    }
}
