package transferlab.grading;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one grading found: a verdict per graded requirement (in the points file's order), the
 * tests that cite no requirement (not graded; a gap in a contract), warnings (e.g. a requirement
 * cited by a test but missing from the points file), and with {@code --repeat} how many runs each
 * flaky requirement failed in. Built once, by {@link SuiteRunner}, when every run is over.
 *
 * @param stopped why the run stopped early (the server did not start, the time limit), or empty
 * @param sandbox what the graded programs ran in, for every report's header: "bubblewrap (--sandbox
 *                auto)", "off (--sandbox off)", "none: ..." ({@link transferlab.grading.program.Sandbox})
 */
public record CheckResult(Protocol protocol, String target, boolean extensions, List<RequirementVerdict> verdicts,
                          int extensionsNotGraded, List<String> unmappedTests, List<String> warnings,
                          Duration duration, int runs, Map<String, Integer> flakyFailedRuns, String stopped,
                          String sandbox) {
    public CheckResult {
        verdicts = List.copyOf(verdicts);
        unmappedTests = List.copyOf(unmappedTests);
        warnings = List.copyOf(warnings);
        flakyFailedRuns = Map.copyOf(flakyFailedRuns);
        sandbox = sandbox == null ? "" : sandbox;
    }

    /** A result that does not say what its programs ran in (a report's own tests). */
    public CheckResult(Protocol protocol, String target, boolean extensions, List<RequirementVerdict> verdicts,
                       int extensionsNotGraded, List<String> unmappedTests, List<String> warnings,
                       Duration duration, int runs, Map<String, Integer> flakyFailedRuns, String stopped) {
        this(protocol, target, extensions, verdicts, extensionsNotGraded, unmappedTests, warnings, duration, runs,
                flakyFailedRuns, stopped, "");
    }

    /** True when no graded requirement failed (and the run found anything to grade). */
    public boolean passed() {
        return !verdicts.isEmpty() && verdicts.stream().noneMatch(verdict -> verdict.verdict() == Verdict.FAIL);
    }

    public Optional<RequirementVerdict> verdict(String requirement) {
        return verdicts.stream().filter(verdict -> verdict.requirement().equals(requirement)).findFirst();
    }

    /** Points earned: those of the requirements that passed. */
    public double score() {
        return verdicts.stream().mapToDouble(RequirementVerdict::score).sum();
    }

    /** Points at stake: every graded requirement's, N/A included, the same on every run of one plan. */
    public double maxScore() {
        return verdicts.stream().mapToDouble(RequirementVerdict::maxScore).sum();
    }

    /** The points of the requirements that were N/A: at stake, not earned, not checked. */
    public double notApplicablePoints() {
        return verdicts.stream().filter(verdict -> verdict.verdict() == Verdict.NOT_APPLICABLE)
                .mapToDouble(RequirementVerdict::maxScore).sum();
    }

    public long count(Verdict kind) {
        return verdicts.stream().filter(verdict -> verdict.verdict() == kind).count();
    }

    /** The requirement IDs with the given verdict, e.g. every failed one. */
    public List<String> requirements(Verdict kind) {
        return verdicts.stream().filter(verdict -> verdict.verdict() == kind).map(RequirementVerdict::requirement)
                .toList();
    }
}
