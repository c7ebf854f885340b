package transferlab.grading;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything one run of the suite found: a verdict per graded requirement (in the points file's
 * order), the tests that cite no requirement (not graded; a gap in a contract), and warnings
 * (e.g. a requirement cited by a test but missing from the points file).
 */
public record CheckResult(Protocol protocol, String target, boolean extensions, List<RequirementVerdict> verdicts,
                          int extensionsNotGraded, List<String> unmappedTests, List<String> warnings,
                          Duration duration) {
    /** True when no graded requirement failed (and the run found anything to grade). */
    public boolean passed() {
        return !verdicts.isEmpty() && verdicts.stream().noneMatch(verdict -> verdict.verdict() == Verdict.FAIL);
    }

    public Optional<RequirementVerdict> verdict(String requirement) {
        return verdicts.stream().filter(verdict -> verdict.requirement().equals(requirement)).findFirst();
    }

    public double score() {
        return verdicts.stream().mapToDouble(RequirementVerdict::score).sum();
    }

    public double maxScore() {
        return verdicts.stream().mapToDouble(RequirementVerdict::maxScore).sum();
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
