package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import transferlab.testkit.Requirement;
import transferlab.testkit.PythonPrograms;

/**
 * {@code ./transfer check ranged} grades a seed-000 server as the course ships it (issue 8): the
 * rendering tests/python/seed000/server.py replies {@code {"hash", "port"}} as text/plain over
 * HTTP/1.0 and opens request paths relative to its working directory, started as
 * {@code cd {dir} && python3 .../server.py {port}}. Its core passes; what it lacks by design (the R20
 * extras) fails as an extension. A subset of the contract keeps this quick: the
 * full core run is {@code ./transfer check ranged --server-cmd "cd {dir} && python3 server.py {port}"}
 * (13/13, about 50 s here).
 */
class Seed000ServerGradingTest {
    /** The literal form a student types, relative to the grader's directory (tests/ under surefire). */
    private static final String COMMAND = "cd {dir} && python3 "
            + java.nio.file.Path.of("").toAbsolutePath().relativize(PythonPrograms.program("seed000/server.py"))
            + " {port}";

    @Test
    @Requirement({"R1", "R3", "R4", "R5", "R20"})
    void theSeedServersCorePassesAndItsMissingExtrasFailAsAnExtension() {
        PythonPrograms.assumePython();
        CheckResult result = SuiteRunner.run(new CheckPlan(Protocol.RANGED, CheckPlan.TargetSpec.serverCommand(COMMAND),
                true, 1, PointsTable.defaults(), Set.of("R1", "R3", "R4", "R5", "R20"))
                .withTests("theReplyHasTheSeedsFields|theReplyCarriesTheExtras|aRawClientGetsExactlyEachBlock"));

        assertThat(result.requirements(Verdict.PASS)).as("%s", result)
                .containsExactlyInAnyOrder("R1", "R3", "R4", "R5");
        assertThat(result.requirements(Verdict.FAIL)).as("%s", result).containsExactly("R20");
    }
}
