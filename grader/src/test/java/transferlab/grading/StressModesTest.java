package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.PythonPrograms;
import transferlab.grading.report.TerminalReport;
import transferlab.grading.program.Network;

/**
 * The stress modes students ask for (issue 10, item 6): {@code --repeat N} finds a requirement that
 * fails only sometimes, and {@code --network lossy} puts a poor network in front of every
 * connection, so that a server that reads a header with one recv() fails what it passes on loopback.
 */
class StressModesTest {
    @TempDir
    Path work;

    @Test
    void repeatReportsARequirementThatFailedInOneRunOfTwoAsFlaky() throws IOException {
        PythonPrograms.assumePython();
        String flaky = "python3 " + FailFastTest.GRADER_PROGRAMS.resolve("fails_first_connection_ever.py") + " "
                + work.resolve("connections") + " {port} {dir}";
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(flaky), false, 1,
                SuiteRunnerTest.points(), Set.of("U1")).withTests("goAheadAfterAHeader").withRepeat(2);

        CheckResult result = SuiteRunner.run(plan, List.of(SampleCheck.class));

        assertThat(result.runs()).isEqualTo(2);
        assertThat(result.flakyFailedRuns()).isEqualTo(Map.of("U1", 1));
        assertThat(result.verdict("U1").orElseThrow().verdict()).as("one failure in any run fails")
                .isEqualTo(Verdict.FAIL);
        assertThat(result.verdict("U1").orElseThrow().tests()).extracting(TestOutcome::name, TestOutcome::verdict)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("goAheadAfterAHeader() [run 1]", Verdict.FAIL),
                        org.assertj.core.groups.Tuple.tuple("goAheadAfterAHeader() [run 2]", Verdict.PASS));
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        TerminalReport.print(result, new PrintStream(terminal, true, StandardCharsets.UTF_8));
        assertThat(terminal.toString(StandardCharsets.UTF_8))
                .contains("2 runs; flaky (failed in some runs, passed in others): U1 failed 1 of 2");
    }

    @Test
    void aLossyNetworkSplitsTheHeaderThatLoopbackDeliversInOnePiece() throws IOException {
        PythonPrograms.assumePython();
        String oneRecv = "python3 " + PythonPrograms.mutant("upload_one_recv_header.py") + " {port} {dir}";
        CheckPlan direct = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(oneRecv), false, 1,
                SuiteRunnerTest.points(), Set.of("U1")).withTests("goAheadAfterAHeader");

        CheckResult onLoopback = SuiteRunner.run(direct, List.of(SampleCheck.class));
        CheckResult overLossy = SuiteRunner.run(direct.withNetwork(Network.LOSSY), List.of(SampleCheck.class));
        CheckResult goodOverLossy = SuiteRunner.run(new CheckPlan(Protocol.UPLOAD,
                CheckPlan.TargetSpec.serverCommand(SuiteRunnerTest.GOOD_SERVER), false, 1, SuiteRunnerTest.points(),
                Set.of("U1")).withTests("goAheadAfterAHeader").withNetwork(Network.LOSSY), List.of(SampleCheck.class));

        assertThat(onLoopback.verdict("U1").orElseThrow().verdict()).isEqualTo(Verdict.PASS);
        assertThat(overLossy.verdict("U1").orElseThrow().verdict()).isEqualTo(Verdict.FAIL);
        assertThat(goodOverLossy.verdict("U1").orElseThrow().verdict()).as("a correct server survives it")
                .isEqualTo(Verdict.PASS);
    }
}
