package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import transferlab.testkit.PythonPrograms;

/**
 * resources/interop.md, "how to grade each": the seed renderings of tests/python graded the way that
 * page tells an instructor to, each on a few tests so that this stays quick (about 10 s together).
 * <ul>
 *   <li>U: seed 004's server rendering, {@code check upload --iterative --server-cmd "cd {dir} && python3
 *       upload_server_seed004.py {port} ."}, passes the core it is graded on;</li>
 *   <li>F: seed 003's client rendering paired with our ftserver ({@code check ft --pair}) passes the
 *       pair requirements it is graded on.</li>
 * </ul>
 */
class SeedProgramsGradingTest {
    private static String relative(String program) {
        return Path.of("").toAbsolutePath().relativize(PythonPrograms.program(program)).toString();
    }

    @Test
    void theSeed004ServerRenderingStartedInItsDirectoryPassesTheUploadCore() {
        PythonPrograms.assumePython();
        String command = "cd {dir} && python3 " + relative("upload_server_seed004.py") + " {port} .";

        CheckResult result = SuiteRunner.run(new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(command),
                false, 1, PointsTable.defaults(), Set.of("U1", "U2", "U3", "U5"))
                .withTests("seedHeaderInOneWriteGetsExactlyGoAhead|seedUploadIsStoredWhole"
                        + "|seedClientsThatCloseAfterTheContentAreServedOneAfterAnother"));

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", MutantsAreCaughtTest.report(result))
                .containsExactlyInAnyOrder("U1", "U2", "U3", "U5");
    }

    @Test
    void theSeed003ClientRenderingPairedWithOurFtServerPassesThePairRequirements() {
        PythonPrograms.assumePython();
        String client = PythonPrograms.interpreter() + " " + relative("ftclient_seed003.py")
                + " localhost {port} {request} {dataport}";

        CheckResult result = SuiteRunner.run(new CheckPlan(Protocol.FT,
                CheckPlan.TargetSpec.pair(PairGradingTest.OUR_FT_SERVER, client), false, 1, PointsTable.defaults(),
                Set.of("P-F1", "P-F2")));

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", MutantsAreCaughtTest.report(result))
                .containsExactlyInAnyOrder("P-F1", "P-F2");
    }
}
