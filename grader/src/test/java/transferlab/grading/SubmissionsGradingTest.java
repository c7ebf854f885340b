package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import transferlab.grading.report.TerminalReport;
import transferlab.grading.program.Network;
import transferlab.grading.program.Ports;
import transferlab.ranged.RangedClientCommand;
import transferlab.ranged.RangedServerCommand;
import transferlab.testkit.LoopbackPorts;
import transferlab.testkit.PythonPrograms;

/**
 * Issue 20: the kinds of real submissions the kit used to fail unfairly, each reproduced by a small
 * program of tests/python/submissions/ (written here, no course code) and graded with the command
 * resources/grading.md documents for it, gets its fair score.
 */
@Execution(ExecutionMode.CONCURRENT) // the gradings mostly wait on Python programs: several at once
class SubmissionsGradingTest {
    static final Set<String> ALL = Set.of();
    /**
     * Within the CS372 clients' range (40000-65000) and above the kernel's ephemeral range (32768-60999):
     * there, any connection's own local port could take a port just handed out as {dataport} (seen: a
     * client's bind failed with EADDRINUSE in P-F4). Below the ports of {@link #quietPort}, so that the
     * pairs' connections leave nothing in TIME_WAIT on a fixed server port.
     */
    static final Ports CS372_RANGE = Ports.range("61000-62999");

    @Test
    void aPa3ServerThatReadsItsHeaderWithOneRecvKeepsEveryCorePointOverALossyNetwork() {
        CheckResult result = grade(new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(
                "cd {dir} && " + python("pa3_one_recv_header_server.py") + " 127.0.0.1 {port}"), false, 1,
                PointsTable.defaults(), ALL).withNetwork(Network.LOSSY));

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", report(result))
                .containsExactlyInAnyOrder("U1", "U2", "U3", "U5");
        assertThat(result.score()).isEqualTo(13).isEqualTo(result.maxScore());
    }

    @Test
    void overAHostileNetworkTheSameServerIsToldItMisreadTheHeader() {
        CheckResult result = grade(new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(
                "cd {dir} && " + python("pa3_one_recv_header_server.py") + " 127.0.0.1 {port}"), false, 1,
                PointsTable.defaults(), Set.of("U3")).withTests("seedUploadIsStoredWhole")
                .withNetwork(Network.HOSTILE));

        RequirementVerdict u3 = result.verdict("U3").orElseThrow();
        assertThat(u3.verdict()).as("the report:%n%s", report(result)).isEqualTo(Verdict.FAIL);
        // What the server's one recv() got depends on how many of the single-byte segments had
        // arrived when it called it (a loaded machine lets several pile up): a few bytes, and it
        // prints a size of 0; sixteen, and it stores the upload under 'seed-upl'. Either way the
        // student is pointed at the header's reading (U4).
        assertThat(u3.failures().get(0).message()).as("what the student reads").satisfiesAnyOf(
                message -> assertThat(message).contains(
                        "look first at the header: the server printed 'Received:  with size = 0'",
                        "but the header sent said size 50000, name 'seed-upload.bin'", "(U4)"),
                message -> assertThat(message).contains("the directory holds 'seed-upl",
                        "the name came out as 'seed-upl", "was the header read with one recv? see U4"));
    }

    @Test
    void aServerWhosePortIsFixedInItsCodeIsGradedInFullWithServerPort() throws IOException {
        int port = quietPort(); // the program's fixed 12000, moved for the test (no fixed ports in tests)
        CheckResult result = grade(new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(
                "cd {dir} && SOCKET_PROJECT_PORT=" + port + " " + python("socket_project2_server.py")), false, 1,
                PointsTable.defaults(), ALL).withPorts(Ports.ANY.withServer(port))
                .withTestsAtOnce(2)); // check's default: a fixed port runs one at a time all the same

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", report(result))
                .containsExactlyInAnyOrder("U1", "U2", "U3", "U5");
        // A TIME_WAIT would cost a minute per start; the last server's exit costs a moment.
        assertThat(result.warnings()).as("no connection the server closed first is left in TIME_WAIT")
                .noneMatch(warning -> warning.matches("(?s).* \\d{2,}\\.\\d s of this run went on waiting.*"));
    }

    @Test
    void aClientWhosePortIsFixedInItsCodeIsGradedInFullWithClientPort() throws IOException {
        int port = quietPort();
        CheckResult result = grade(new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.clientCommand(
                "SOCKET_PROJECT_PORT=" + port + " " + python("socket_project2_client.py") + " {name} {host}"), false,
                1, PointsTable.defaults(), ALL).withPorts(Ports.ANY.withClient(port)).withTestsAtOnce(2));

        assertThat(result.verdicts()).as("the report:%n%s", report(result)).isNotEmpty()
                .allMatch(verdict -> verdict.verdict() == Verdict.PASS);
        assertThat(result.score()).isEqualTo(result.maxScore());
    }

    /**
     * Over {@code --network lossy} too: the lossy proxy once took the fixed port itself, the client's
     * bytes bypassed the recording proxy, and a correct client scored 0/10 ("0 bytes went up").
     */
    @Test
    void aClientWhosePortIsFixedInItsCodeIsGradedInFullOverALossyNetwork() throws IOException {
        int port = quietPort();
        CheckResult result = grade(new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.clientCommand(
                "SOCKET_PROJECT_PORT=" + port + " " + python("socket_project2_client.py") + " {name} {host}"), false,
                1, PointsTable.defaults(), ALL).withPorts(Ports.ANY.withClient(port)).withNetwork(Network.LOSSY));

        assertThat(result.verdicts()).as("the report:%n%s", report(result)).isNotEmpty()
                .allMatch(verdict -> verdict.verdict() == Verdict.PASS);
        assertThat(result.score()).isEqualTo(result.maxScore());
    }

    @Test
    void aCs372PairThatTakesOnlyPortsFrom40000GetsEveryCorePointWithinTheRangeAndFailsOnlyBinaryFiles() {
        CheckResult result = grade(ftPair("cs372_ftserver.py", true).withPorts(CS372_RANGE));

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", report(result))
                .containsExactly("P-F1", "P-F2", "P-F3", "P-F4", "P-F5");
        assertThat(result.requirements(Verdict.FAIL)).as("a server that sends files as C strings")
                .containsExactly("P-F6");
    }

    @Test
    void aPairThatServesOnlyTxtFilesPassesUnderTheInstructorsFileNames() {
        CheckResult result = grade(ftPair("cs372_ftserver_txt_only.py", false).withPorts(CS372_RANGE)
                .withFileNames(List.of("small.txt", "large.txt")));

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", report(result))
                .containsExactly("P-F1", "P-F2", "P-F3", "P-F4", "P-F5");
        assertThat(result.extensionsNotGraded()).as("P-F6, which --extensions grades").isEqualTo(1);
    }

    @Test
    void aListingOfNulPaddedNamesPassesPF1WithANote() {
        CheckResult result = grade(new CheckPlan(Protocol.FT, CheckPlan.TargetSpec.pair(
                "cd {dir} && " + python("cs372_ftserver_padded.py") + " {port}",
                python("cs372_ftclient.py") + " {host} {port} {request} {dataport}"), false, 1,
                PointsTable.defaults(), Set.of("P-F1")).withPorts(CS372_RANGE));

        RequirementVerdict listing = result.verdict("P-F1").orElseThrow();
        assertThat(listing.verdict()).as("the report:%n%s", report(result)).isEqualTo(Verdict.PASS);
        assertThat(report(result)).contains("note: the listing's names carry trailing NULs", "textfile-small\\0\\0");
    }

    @Test
    void ourOwnRangedPairPassesEveryPairRequirement() {
        CheckResult result = grade(new CheckPlan(Protocol.RANGED, CheckPlan.TargetSpec.pair(
                PairGradingTest.JAVA + " " + RangedServerCommand.class.getName() + " {port} --root {dir}",
                PairGradingTest.JAVA + " " + RangedClientCommand.class.getName()
                        + " {address} {threads} {file} {ofile}"), false, 1, PointsTable.defaults(), ALL));

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", report(result))
                .containsExactly("P-R1", "P-R2", "P-R3");
        assertThat(result.extensionsNotGraded()).as("no extension to add --extensions for").isZero();
    }

    @Test
    void aRangedLookAlikePairIsGradedInFullAndItsKnownBadClientByNamedRequirements() {
        CheckResult good = grade(rangedPair("lookalike_ranged_client.py"));
        CheckResult bad = grade(rangedPair("lookalike_ranged_client_bad_offsets.py"));

        assertThat(good.requirements(Verdict.PASS)).as("the report:%n%s", report(good))
                .containsExactly("P-R1", "P-R2", "P-R3");
        assertThat(bad.requirements(Verdict.FAIL)).as("the report:%n%s", report(bad))
                .containsExactly("P-R1", "P-R3");
        assertThat(bad.requirements(Verdict.PASS)).containsExactly("P-R2");
    }

    /**
     * A port above the kernel's ephemeral range (32768-60999 on Linux), which nothing but an explicit
     * bind takes: a fixed port must stay free for a whole run, and the machine's other builds hand
     * out ports below that range and connect from within it.
     */
    private static int quietPort() throws IOException {
        return LoopbackPorts.freeIn(63000, 65535); // above CS372_RANGE
    }

    private static CheckPlan ftPair(String server, boolean extensions) {
        return new CheckPlan(Protocol.FT, CheckPlan.TargetSpec.pair("cd {dir} && " + python(server) + " {port}",
                python("cs372_ftclient.py") + " {host} {port} {request} {dataport}"), extensions, 1,
                PointsTable.defaults(), ALL);
    }

    private static CheckPlan rangedPair(String client) {
        return new CheckPlan(Protocol.RANGED, CheckPlan.TargetSpec.pair(
                python("lookalike_ranged_server.py") + " {port} {dir}",
                python(client) + " {address} {threads} {file} {ofile}"), false, 1, PointsTable.defaults(), ALL);
    }

    private static CheckResult grade(CheckPlan plan) {
        PythonPrograms.assumePython();
        return SuiteRunner.run(plan);
    }

    static String python(String program) {
        Path path = PythonPrograms.program("submissions").resolve(program);
        return PythonPrograms.interpreter() + " " + path;
    }

    static String report(CheckResult result) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        TerminalReport.print(result, new PrintStream(text, true, StandardCharsets.UTF_8));
        return text.toString(StandardCharsets.UTF_8);
    }
}
