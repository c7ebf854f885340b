package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.grading.program.Sandbox;
import transferlab.testkit.PythonPrograms;

/**
 * The grader stops early and says why: a server that ignores {port} gets its verdict in seconds,
 * naming the port it did bind (issue 10, "fail fast, bounded"); a run past its time limit stops and
 * counts what it did not run as failed; a child the server leaves behind dies with it.
 */
class FailFastTest {
    static final Path GRADER_PROGRAMS = PythonPrograms.DIRECTORY.resolve("grader");

    @TempDir
    Path work;

    @Test
    void aServerThatIgnoresItsPortIsToldSoInSecondsWithThePortItBound() throws IOException {
        PythonPrograms.assumePython();
        // The slowest options there are: every extension, and every timeout doubled.
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD,
                CheckPlan.TargetSpec.serverCommand("python3 " + GRADER_PROGRAMS.resolve("ignores_port.py")
                        + " {port} {dir} {max-size} {idle-timeout} {deadline}"),
                true, 2, PointsTable.defaults(), Set.of());
        long started = System.nanoTime();

        CheckResult result = SuiteRunner.run(plan);

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).as("time to the verdict").isLessThan(Duration.ofSeconds(20));
        assertThat(result.verdicts()).as("every requirement with a test fails; none passed, none left N/A")
                .allMatch(verdict -> verdict.verdict() == Verdict.FAIL || verdict.tests().isEmpty())
                .anyMatch(verdict -> verdict.verdict() == Verdict.FAIL);
        assertThat(result.maxScore()).as("the same maximum as any other server's run")
                .isEqualTo(PointsTable.defaults().rules().stream()
                        .filter(rule -> Protocol.UPLOAD.owns(rule.requirement())).mapToDouble(PointsTable.Rule::points)
                        .sum());
        String first = result.verdicts().stream().flatMap(verdict -> verdict.failures().stream())
                .map(TestOutcome::message).filter(message -> !message.startsWith("not run: ")).findFirst()
                .orElseThrow();
        Matcher printed = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(first);
        assertThat(printed.find()).as("the server's own words are in the message: %s", first).isTrue();
        assertThat(first).contains("the server listens on port " + printed.group(1) + ", not on port ");
        assertThat(result.stopped()).startsWith("the server did not start in ");
    }

    @Test
    void aServerThatExitsStopsTheRunAndTheTestsNotRunFail() throws IOException {
        PythonPrograms.assumePython();
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(
                "python3 -c \"import sys; print('cannot start: no such thing'); print('TODO(stage1.4): no loop yet');"
                        + " sys.exit(3)\" {port}"),
                false, 1, SuiteRunnerTest.points(), Set.of());

        CheckResult result = SuiteRunner.run(plan, List.of(SampleCheck.class));

        List<TestOutcome> tests = result.verdicts().stream().flatMap(verdict -> verdict.tests().stream()).toList();
        List<TestOutcome> ran = tests.stream().filter(test -> !test.message().startsWith("not run: ")).toList();
        assertThat(ran).as("the one test that started the server").hasSize(1);
        assertThat(ran.get(0).message()).startsWith("the server exited with status 3 and does not listen on port ")
                .contains("; it stopped at a TODO, in its own words: \"TODO(stage1.4): no loop yet\": python3")
                .contains("cannot start: no such thing");
        assertThat(tests).hasSizeGreaterThan(2).allMatch(test -> test.verdict() == Verdict.FAIL);
        assertThat(result.stopped()).startsWith("the server did not start in ")
                .endsWith("; it stopped at a TODO, in its own words: \"TODO(stage1.4): no loop yet\"");
        assertThat(result.verdict("U3").orElseThrow().verdict())
                .as("a test that would have been N/A was not run: failed, not N/A").isEqualTo(Verdict.FAIL);
    }

    @Test
    void aRunPastItsTimeLimitStopsAndWhatItDidNotRunFails() throws IOException {
        PythonPrograms.assumePython();
        // A limit that has passed before the first test: deterministic, whatever the machine's speed.
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(SuiteRunnerTest.GOOD_SERVER),
                false, 1, SuiteRunnerTest.points(), Set.of()).withTimeLimit(Duration.ofNanos(1));

        CheckResult result = SuiteRunner.run(plan, List.of(SampleCheck.class));

        assertThat(result.stopped()).isEqualTo("the run reached its time limit (0 s; --time-limit)");
        assertThat(result.verdict("U1").orElseThrow().verdict()).isEqualTo(Verdict.FAIL);
        assertThat(result.score()).isZero();
    }

    @Test
    void aChildThatLeftTheServerDiesWithIt() throws Exception {
        PythonPrograms.assumePython();
        Path pidFile = work.resolve("orphan.pid");
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand("python3 "
                + GRADER_PROGRAMS.resolve("leaves_an_orphan.py") + " " + pidFile + " {port} {dir}"),
                false, 1, SuiteRunnerTest.points(), Set.of("U2")) // one test: one server, one orphan
                // Unboxed: the process group's kill. In the box the orphan could not write the pid file
                // outside {dir}, and its box's PID namespace ends it (SandboxTest).
                .withSandbox(new Sandbox.Policy(Sandbox.Mode.OFF, List.of()));

        CheckResult result = SuiteRunner.run(plan, List.of(SampleCheck.class));

        assertThat(result.verdict("U2").orElseThrow().tests()).hasSize(1);
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)).as("the orphan %d (sleep 300), after the test ended", pid).isEmpty());
    }
}
