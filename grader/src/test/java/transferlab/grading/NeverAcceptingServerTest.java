package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import transferlab.testkit.PythonPrograms;

/**
 * Issue 10, fail fast: a server that listens on {port} but never accepts used to cost every test its
 * own timeout (105 s for a core run). The first failing test sees connections waiting in its accept
 * queue and none held, and the run stops there, saying so.
 */
class NeverAcceptingServerTest {
    @Test
    void aServerThatNeverAcceptsStopsTheRunInSecondsAndIsToldSo() {
        PythonPrograms.assumePython();
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand("python3 "
                + FailFastTest.GRADER_PROGRAMS.resolve("never_accepts.py") + " {port} {dir}"),
                false, 0.3, PointsTable.defaults(), Set.of());
        long started = System.nanoTime();

        CheckResult result = SuiteRunner.run(plan);

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).as("time to the verdict").isLessThan(Duration.ofSeconds(20));
        assertThat(result.stopped()).as("%s", result).contains("accepted no connection")
                .contains("waiting in its accept queue").contains("does it call accept()?");
        assertThat(result.score()).isZero();
        assertThat(result.requirements(Verdict.PASS)).isEmpty();
    }
}
