package transferlab.grading;

import java.util.List;

/**
 * The verdict on one requirement: PASS when every applicable test citing it passed, FAIL when one
 * failed or was not run, N/A when none applied (for instance, each needed the server's directory and
 * the target was {@code --target HOST:PORT}). The rules are tabled at the top of {@link SuiteRunner}.
 */
public record RequirementVerdict(PointsTable.Rule rule, Verdict verdict, List<TestOutcome> tests, String note) {
    /** Why the requirement is N/A, in one line, or what its first failure said. */
    public String reason() {
        if (!note.isBlank()) {
            return note;
        }
        return tests.isEmpty() ? "no test in this check covers it" : tests.get(0).message();
    }

    public String requirement() {
        return rule.requirement();
    }

    /** Points earned: all of them on PASS, none otherwise. */
    public double score() {
        return verdict == Verdict.PASS ? rule.points() : 0;
    }

    /**
     * Points at stake: all of them, whatever the verdict, so that the maximum of a run depends on
     * what it grades and never on how the server behaved; an N/A requirement earns none of them.
     * Only a requirement that no test of this check covers at all (a server's requirement when a
     * client is graded) is not at stake: which tests a check has is fixed before anything runs.
     */
    public double maxScore() {
        return verdict == Verdict.NOT_APPLICABLE && tests.isEmpty() ? 0 : rule.points();
    }

    public List<TestOutcome> failures() {
        return tests.stream().filter(test -> test.verdict() == Verdict.FAIL).toList();
    }
}
