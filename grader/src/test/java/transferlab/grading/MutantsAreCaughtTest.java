package transferlab.grading;

import transferlab.testkit.PythonPrograms;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import transferlab.grading.report.TerminalReport;

/**
 * Proof that the suite has teeth: each known-bad server of tests/python/mutants (one typical
 * student bug each) is graded through the real runner, and must FAIL the requirement named here;
 * the good server each was derived from must PASS the same requirements. To keep this quick, each
 * mutant is graded on a few requirements (--only), the ones its bug breaks.
 */
@Execution(ExecutionMode.CONCURRENT) // its grading runs mostly wait: several at once (tests/pom.xml)
class MutantsAreCaughtTest {
    /**
     * A known-bad server, the requirements it is graded on (and, to save time, which of their tests:
     * a regular expression on method names), the one it must fail, and the timeout factor: a
     * mutant that hangs is graded with short timeouts, so that it fails in seconds, not minutes.
     */
    record Mutant(String program, Protocol protocol, String arguments, Set<String> gradedOn, String tests,
                  String mustFail, double timeoutFactor) {
        Mutant(String program, Protocol protocol, String arguments, Set<String> gradedOn, String mustFail) {
            this(program, protocol, arguments, gradedOn, ".*", mustFail, 1);
        }

        @Override
        public String toString() {
            return program + " fails " + mustFail;
        }
    }

    /**
     * What the report tells the student for each bug (issue 10: messages that say what to fix): the
     * handout's commonest bugs, in protocol terms, with the hint where to look (regular expressions:
     * a header read with one recv is refused or cut, depending on how much the first recv got).
     */
    static final Map<String, String> HINTS = Map.of(
            "upload_one_recv_content.py", "was it read with one recv\\? Loop until size bytes have come \\(U3\\)",
            "upload_one_recv_header.py",
            "took the first piece\\(s\\) for the whole header|the name came out as '|8 bytes of size hold no name yet",
            "upload_header_without_settle.py", "the name came out as 's…'",
            "upload_reads_until_eof.py", "does the server read until the client closes\\?",
            "upload_leaves_partial_file.py", "left received/half\\.bin \\(50000 bytes\\)",
            "upload_accepts_dotdot.py", "the server answered \"go ahead\" to the name '\\.\\./x': it must refuse it");

    static final String UPLOAD_ARGUMENTS = "{port} {dir} {max-size} {idle-timeout} {deadline} {header-settle}";
    static final String UPDATE_ARGUMENTS = "{port} {dir} {idle-timeout}";
    static final String RANGED_ARGUMENTS = "{port} {dir}";

    static Stream<Mutant> mutants() {
        return Stream.of(
                // The file never appears while the client keeps the connection open (waited 1 s at factor 0.2).
                new Mutant("upload_reads_until_eof.py", Protocol.UPLOAD, UPLOAD_ARGUMENTS, Set.of("U3"),
                        "contentIsStoredOnceSizeBytesArrived.*", "U3", 0.2),
                // Two tests: a server that is slow to read gets the whole header in one recv by luck only once.
                new Mutant("upload_one_recv_header.py", Protocol.UPLOAD, UPLOAD_ARGUMENTS, Set.of("U4"),
                        "headerSplit.*|sizeThenAPause.*", "U4", 1),
                new Mutant("upload_header_without_settle.py", Protocol.UPLOAD, UPLOAD_ARGUMENTS, Set.of("U4"),
                        "headerSplit.*", "U4", 1),
                new Mutant("upload_one_recv_content.py", Protocol.UPLOAD, UPLOAD_ARGUMENTS, Set.of("U3"),
                        "contentSplitIntoSmallPieces.*", "U3", 0.2),
                // The half file stays forever; the suite's wait for it to go is cut short (JUnit timeout, 3 s).
                new Mutant("upload_leaves_partial_file.py", Protocol.UPLOAD, UPLOAD_ARGUMENTS, Set.of("U10"),
                        "clientThatSendsHalfTheContent.*", "U10", 0.05),
                new Mutant("upload_accepts_dotdot.py", Protocol.UPLOAD, UPLOAD_ARGUMENTS, Set.of("U8"),
                        "badName.*", "U8", 1),
                new Mutant("upload_shared_buffer.py", Protocol.UPLOAD, UPLOAD_ARGUMENTS, Set.of("U16"),
                        "clientPausedAfterGoAhead.*", "U16", 1),
                // The second poll finds the queue empty; the suite waits for the offer (2 s at factor 0.2).
                new Mutant("update_removes_on_offer.py", Protocol.UPDATE, UPDATE_ARGUMENTS, Set.of("D9"),
                        "aClientThatLeavesBeforeTheAck.*", "D9", 0.2),
                new Mutant("update_never_removes.py", Protocol.UPDATE, UPDATE_ARGUMENTS, Set.of("D9"),
                        "afterAnAckTheNextQueuedFile.*", "D9", 1),
                new Mutant("ranged_serves_dotdot.py", Protocol.RANGED, RANGED_ARGUMENTS, Set.of("R8"),
                        "dotDotIs403.*", "R8", 1),
                new Mutant("ranged_off_by_one_block.py", Protocol.RANGED, RANGED_ARGUMENTS, Set.of("R4"),
                        "aRawClientGetsExactlyEachBlock", "R4", 1),
                // The client reads a block until the server closes: it never does; each case times out in 1 s.
                new Mutant("ranged_never_closes_data.py", Protocol.RANGED, RANGED_ARGUMENTS, Set.of("R5"),
                        "aRawClientGetsExactlyEachBlock", "R5", 0.02));
    }

    /** The good servers, graded on every requirement some mutant above is graded on. */
    static Stream<Mutant> goodServers() {
        return Stream.of(
                good("good_upload_server.py", Protocol.UPLOAD, UPLOAD_ARGUMENTS),
                good("good_update_server.py", Protocol.UPDATE, UPDATE_ARGUMENTS),
                good("good_ranged_server.py", Protocol.RANGED, RANGED_ARGUMENTS));
    }

    private static Mutant good(String program, Protocol protocol, String arguments) {
        Set<String> graded = new java.util.TreeSet<>();
        Set<String> tests = new java.util.TreeSet<>();
        mutants().filter(mutant -> mutant.protocol() == protocol).forEach(mutant -> {
            graded.addAll(mutant.gradedOn());
            tests.add(mutant.tests());
        });
        return new Mutant(program, protocol, arguments, graded, String.join("|", tests), "", 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutants")
    void eachKnownBadServerFailsItsNamedRequirement(Mutant mutant) {
        CheckResult result = grade(mutant);

        assertThat(result.verdict(mutant.mustFail())).as("%s graded on %s", mutant.program(), mutant.mustFail())
                .isPresent();
        assertThat(result.verdict(mutant.mustFail()).get().verdict())
                .as("the verdict on %s for %s; the report:%n%s", mutant.mustFail(), mutant.program(), report(result))
                .isEqualTo(Verdict.FAIL);
        assertThat(result.verdict(mutant.mustFail()).get().failures()).as("why %s failed", mutant.program())
                .allSatisfy(test -> assertThat(test.message()).doesNotContain("did not listen", "exited with status"));
        if (HINTS.containsKey(mutant.program())) {
            assertThat(result.verdict(mutant.mustFail()).get().failures()).as("what the report tells the student")
                    .anySatisfy(test -> assertThat(test.message()).containsPattern(HINTS.get(mutant.program())));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodServers")
    void theGoodServerTheyCameFromPassesTheSameRequirements(Mutant good) {
        CheckResult result = grade(good);

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", report(result))
                .containsExactlyInAnyOrderElementsOf(good.gradedOn());
        assertThat(result.passed()).isTrue();
    }

    @Test
    void aClientThatDoesNotWaitForGoAheadFailsU1AndTheSeedClientPasses() {
        PythonPrograms.assumePython();
        // The bad client's file never appears under its name: waited for 1 s (factor 0.2), not 5.
        CheckResult bad = gradeClient("upload_client_skips_go_ahead.py", 0.2);
        CheckResult seed = gradeClient("../upload_client_seed004.py", 1);

        assertThat(bad.verdict("U1").orElseThrow().verdict()).as("the report:%n%s", report(bad))
                .isEqualTo(Verdict.FAIL);
        assertThat(seed.passed()).as("the report:%n%s", report(seed)).isTrue();
    }

    private static CheckResult gradeClient(String program, double timeoutFactor) {
        String command = PythonPrograms.interpreter() + " " + PythonPrograms.mutant(program)
                + " {host} {port} {file}";
        return SuiteRunner.run(new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.clientCommand(command), false,
                timeoutFactor,
                PointsTable.defaults(), Set.of("U1", "U3"))
                .withTests("oneFileArrivesIntactUnderItsName|anEmptyFile.*"));
    }

    private static CheckResult grade(Mutant mutant) {
        PythonPrograms.assumePython();
        String command = PythonPrograms.interpreter() + " " + PythonPrograms.mutant(mutant.program()) + " "
                + mutant.arguments();
        return SuiteRunner.run(new CheckPlan(mutant.protocol(), CheckPlan.TargetSpec.serverCommand(command), true,
                mutant.timeoutFactor(), PointsTable.defaults(), mutant.gradedOn()).withTests(mutant.tests()));
    }

    static String report(CheckResult result) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        TerminalReport.print(result, new PrintStream(text, true, StandardCharsets.UTF_8));
        return text.toString(StandardCharsets.UTF_8);
    }
}
