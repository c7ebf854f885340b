package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import transferlab.testkit.PythonPrograms;
import transferlab.grading.stage.StageCheck;
import transferlab.grading.stage.StageProfile;
import transferlab.grading.program.Network;

/**
 * The Python starters of the student tree (resources/student/python/stageN/), graded by the same
 * {@code check stageN --server-cmd} as any server: as handed out, each one starts, takes its
 * command line, and fails the requirements of its TODOs (not "did not start"); with its TODOs done
 * (tests/python/starters/*_done.py, which never ship) it passes them. To stay quick, each grading
 * runs one or two contract tests per TODO, the ones that TODO's requirements are about.
 */
@Execution(ExecutionMode.CONCURRENT) // its grading runs mostly wait: several at once (tests/pom.xml)
public class PythonStartersTest {
    /** The starters' command line, as the handouts give it (seed 004's [IP] [PORT], then the limits). */
    static final String ARGUMENTS = " 127.0.0.1 {port} --dir {dir} --max-size {max-size} --idle-timeout {idle-timeout}"
            + " --deadline {deadline} --header-settle {header-settle}";
    static final Path STARTERS = Path.of("..", "resources", "student", "python").toAbsolutePath().normalize();
    /** Seed 000's client command line. */
    static final String CLIENT_ARGUMENTS = " {address} {threads} {file} {ofile}";
    static final String STAGE1_DONE = "python3 " + PythonPrograms.program("starters/stage1_server_done.py") + ARGUMENTS;

    /**
     * Per TODO of stage 1: U1/U2 (all of them), U4 (stage1.1), U8 (1.2: a 255-byte name is stored; the
     * refusals of bad names, eight servers started, are left to check stage1 itself), U3 and U10 (1.3),
     * U5 and U14 (1.4).
     */
    public static final Pattern STAGE1_TESTS = Pattern.compile("seedHeaderInOneWriteGetsExactlyGoAhead|headerSplit.*"
            + "|nameOf255.*|contentSplitIntoSmallPieces.*|clientThatSendsHalfTheContent.*|everyKindOfBadClient.*"
            + "|seedClientsThatCloseAfterTheContent.*");
    /** Stage 2's TODO: U16 (judged as concurrent), U15. */
    static final Pattern STAGE2_TESTS = Pattern.compile("clientPausedAfterGoAhead.*|sixteenClients.*");
    /** The ftserver's TODOs: stage1.5 parsing (F1, F9, F10), stage1.6 sending (F3, F5, F6); F8 on a listing. */
    static final Pattern FTSERVER_TESTS = Pattern.compile("listSendsTheSorted.*|getSendsExactly.*|aBadDataPortIsAnError"
            + "|anUnknownOrMalformedCommandIsAnError|aSymbolicLinkOutOfTheDirectory.*");
    /** The stage 3 server's TODO, the block formula: R4, R5 on the wire. */
    static final Pattern STAGE3_TESTS = Pattern.compile("aRawClientGetsExactlyEachBlock");

    @ParameterizedTest
    @ValueSource(strings = {"stage1/server.py", "stage1/ftserver.py", "stage2/server.py", "stage3/server.py",
        "stage3/client.py"})
    void aStarterTakesItsCommandLineAndABadOneIsAUsageError(String starter) throws Exception {
        PythonPrograms.assumePython();
        // Two words that are never a valid command line of any starter: a bad port, or too few arguments.
        Process bad = new ProcessBuilder("python3", STARTERS.resolve(starter).toString(), "127.0.0.1", "not-a-port")
                .redirectErrorStream(true).start();
        assertThat(bad.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
        assertThat(new String(bad.getInputStream().readAllBytes())).contains("usage: " + Path.of(starter)
                .getFileName());
    }

    @Test
    void theStage1StarterStartsAndFailsEveryRequirementOfItsTodosHonestly() {
        // The stub answers nothing: short timeouts (factor 0.3) cut the waits for what never comes.
        StageCheck.Result result = grade("stage1", "python3 " + STARTERS.resolve("stage1/server.py") + ARGUMENTS,
                STAGE1_TESTS, 0.3);

        StageCheck.PartResult upload = result.part("upload-server").orElseThrow();
        assertThat(upload.result().requirements(Verdict.FAIL)).as(StageCheckTest.report(result))
                .containsExactlyInAnyOrderElementsOf(upload.part().requirements());
        assertThat(upload.result().stopped()).as("the server started: the run went on").isEmpty();
        upload.result().verdicts().forEach(verdict -> assertThat(verdict.failures())
                .allSatisfy(test -> assertThat(test.message()).doesNotContain("did not listen", "exited with status")));
    }

    @Test
    void theStage1StarterWithItsTodosDonePassesTheSameTests() {
        StageCheck.Result result = grade("stage1", STAGE1_DONE, STAGE1_TESTS, 1);

        StageCheck.PartResult upload = result.part("upload-server").orElseThrow();
        assertThat(upload.result().requirements(Verdict.PASS)).as(StageCheckTest.report(result))
                .containsExactlyInAnyOrderElementsOf(upload.part().requirements());
        assertThat(result.passed()).isTrue();
    }

    @Test
    void theStage2StarterOnStage1DoneFailsU16UntilItsTodoIsDone() {
        StageCheck.Result todo = grade("stage2", "python3 " + PythonPrograms.program(
                "starters/stage2_server_todo.py") + ARGUMENTS, STAGE2_TESTS, 0.5);
        StageCheck.Result done = grade("stage2", "python3 " + PythonPrograms.program(
                "starters/stage2_server_done.py") + ARGUMENTS, STAGE2_TESTS, 1);

        assertThat(todo.failed()).as(StageCheckTest.report(todo)).contains("U16");
        assertThat(done.failed()).as(StageCheckTest.report(done)).isEmpty();
        assertThat(done.part("upload-server").orElseThrow().result().requirements(Verdict.PASS))
                .contains("U15", "U16");
    }

    @Test
    void theFtserverStarterFailsItsTodosUntilTheyAreDoneWithCheckStage1Ft() {
        // The stubs fail every request: short timeouts (factor 0.3) make the waits for what never comes short.
        StageCheck.Result todo = gradeFtServer("python3 " + STARTERS.resolve("stage1/ftserver.py"), 0.3);
        StageCheck.Result done = gradeFtServer("python3 " + PythonPrograms.program("starters/stage1_ftserver_done.py"),
                1);

        assertThat(todo.failed()).as(StageCheckTest.report(todo))
                .containsExactlyInAnyOrder("F1", "F2", "F3", "F5", "F6", "F8", "F9", "F10");
        assertThat(todo.part("ft-server").orElseThrow().result().stopped()).isEmpty();
        assertThat(done.failed()).as(StageCheckTest.report(done)).isEmpty();
        assertThat(done.part("ft-server").orElseThrow().result().requirements(Verdict.PASS))
                .containsExactlyInAnyOrder("F1", "F2", "F3", "F5", "F6", "F8", "F9", "F10");
        assertThat(done.part("upload-server").orElseThrow().graded()).as("no command given for it").isFalse();
    }

    private static StageCheck.Result gradeFtServer(String program, double timeoutFactor) {
        PythonPrograms.assumePython();
        return StageCheck.run(StageProfile.load("stage1", null), new StageCheck.Options(null, null,
                Map.of("ft-server", program + " {port} --dir {dir} --idle-timeout {idle-timeout}"), true, timeoutFactor,
                PointsTable.defaults(), 1, null, Network.DIRECT, FTSERVER_TESTS));
    }

    @Test
    void theStage3ServerStarterFailsTheBlockFormulaUntilItsTodoIsDone() {
        StageCheck.Result todo = grade("stage3", "python3 " + STARTERS.resolve("stage3/server.py")
                + " {port} --root {dir}", STAGE3_TESTS, 1);
        StageCheck.Result done = grade("stage3", "python3 " + PythonPrograms.program(
                "starters/stage3_server_done.py") + " {port} --root {dir}", STAGE3_TESTS, 1);

        assertThat(todo.failed()).as(StageCheckTest.report(todo)).containsExactlyInAnyOrder("R4", "R5");
        assertThat(todo.part("ranged-server").orElseThrow().result().stopped()).isEmpty();
        assertThat(done.failed()).as(StageCheckTest.report(done)).isEmpty();
        assertThat(done.part("ranged-server").orElseThrow().result().requirements(Verdict.PASS))
                .containsExactlyInAnyOrder("R4", "R5");
    }

    /**
     * The stage 3 client starter, graded by {@code check stage3 --client-cmd} against our reference
     * server: as handed out it fails R6 and R14 (it exits 1 naming its first TODO); done, it passes
     * every requirement of the ranged client check.
     */
    @Test
    void theStage3ClientStarterFailsItsTodosAndPassesWhenDone() {
        StageCheck.Result todo = gradeClient("python3 " + STARTERS.resolve("stage3/client.py") + CLIENT_ARGUMENTS);
        StageCheck.Result done = gradeClient("python3 " + PythonPrograms.program("starters/stage3_client_done.py")
                + CLIENT_ARGUMENTS);

        assertThat(todo.failed()).as(StageCheckTest.report(todo)).contains("R6", "R14");
        assertThat(StageCheckTest.report(todo)).contains("TODO(stage3.1)");
        StageCheck.PartResult client = done.part("ranged-client").orElseThrow();
        assertThat(client.result().requirements(Verdict.FAIL)).as(StageCheckTest.report(done)).isEmpty();
        assertThat(client.result().requirements(Verdict.PASS)).as(StageCheckTest.report(done))
                .contains("R6", "R14", "R15");
    }

    private static StageCheck.Result gradeClient(String clientCommand) {
        PythonPrograms.assumePython();
        return StageCheck.run(StageProfile.load("stage3", null), new StageCheck.Options(null, clientCommand, Map.of(),
                false, 1, PointsTable.defaults(), 1, null, Network.DIRECT, null));
    }

    private static StageCheck.Result grade(String stage, String serverCommand, Pattern tests, double timeoutFactor) {
        PythonPrograms.assumePython();
        return StageCheck.run(StageProfile.load(stage, null), new StageCheck.Options(serverCommand, null, Map.of(),
                false, timeoutFactor, PointsTable.defaults(), 1, null, Network.DIRECT, tests));
    }
}
