package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import transferlab.testkit.PythonPrograms;
import transferlab.grading.report.TerminalReport;

/**
 * Each requirement of protocol U is judged on its own (issue 10): a server that leaves out exactly
 * one extension loses that requirement's points and nothing else. Each server here is
 * tests/python/mutants/good_upload_server.py without one extension (upload_without_*.py, and
 * upload_one_recv_header.py for U4's settle window), graded with {@code --extensions} through the
 * real runner.
 *
 * <p>{@code mvn verify} grades each on its own requirement and on the requirements whose tests meet
 * the missing feature ({@code --only}; e.g. every test that used to learn "stored" from the "ok"
 * line, for the server without it): about 100 Python server starts. With
 * {@code -Dtransferlab.ablation=full} each is graded on every requirement and every test (about
 * 500 starts, minutes):
 * {@code mvn -B -q -pl tests -am verify -Dtest=EachMissingExtensionCostsOnlyItsOwnPointsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtransferlab.ablation=full}.
 */
@Execution(ExecutionMode.CONCURRENT) // its grading runs mostly wait: several at once (tests/pom.xml)
class EachMissingExtensionCostsOnlyItsOwnPointsTest {
    static final String ARGUMENTS = "{port} {dir} {max-size} {idle-timeout} {deadline} {header-settle}";
    static final List<String> EVERY_REQUIREMENT = List.of("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9",
            "U10", "U11", "U12", "U13", "U14", "U15", "U16", "U17");
    static final boolean FULL = "full".equals(System.getProperty("transferlab.ablation"));

    /**
     * A server without one extension, the requirement that extension is, the others its absence
     * meets, and which tests run ({@code --tests}; a server that never times anybody out waits
     * 5.4 s in each test of U12, so one of them is enough to show it loses U12).
     */
    record WithoutOne(String program, String loses, Set<String> meets, String tests) {
        WithoutOne(String program, String loses, String... meets) {
            this(program, loses, Set.of(meets), ".*");
        }

        WithoutOne onlyTests(String regex) {
            return new WithoutOne(program, loses, meets, FULL ? ".*" : regex);
        }

        /** The requirements graded: all, or its own and those it meets. */
        Set<String> graded() {
            Set<String> graded = new TreeSet<>(FULL ? EVERY_REQUIREMENT : meets);
            graded.add(loses);
            return graded;
        }

        @Override
        public String toString() {
            return program + " loses " + loses + " only";
        }
    }

    static Stream<WithoutOne> servers() {
        return Stream.of(
                // The header read with one recv: 8 bytes then silence or the end, 3 bytes then the close.
                new WithoutOne("upload_one_recv_header.py", "U4", "U7", "U12", "U14"),
                // Every test that once learned "stored" or "served" from the ok line.
                new WithoutOne("upload_without_ok.py", "U6", "U3", "U5", "U10", "U11", "U14", "U15", "U16", "U17"),
                // Every refusal: the close alone must count as one.
                new WithoutOne("upload_without_error_lines.py", "U7", "U4", "U9", "U12", "U13", "U17"),
                new WithoutOne("upload_without_name_checks.py", "U8", "U7", "U10", "U14"),
                new WithoutOne("upload_without_size_checks.py", "U9", "U7", "U14"),
                new WithoutOne("upload_without_temporary_file.py", "U10", "U11", "U16", "U17"),
                new WithoutOne("upload_without_replace.py", "U11", "U10", "U17"),
                new WithoutOne("upload_without_idle_timeout.py", "U12", "U4", "U13", "U14")
                        .onlyTests("(?!eightHeaderBytes|clientThatStopsSending).*"),
                new WithoutOne("upload_without_deadline.py", "U13", "U12"),
                new WithoutOne("upload_without_threads.py", "U16", "U10", "U14", "U15"),
                new WithoutOne("upload_without_storage_check.py", "U17", "U7", "U10"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void aServerWithoutOneExtensionLosesThatRequirementOnly(WithoutOne server) {
        PythonPrograms.assumePython();
        String command = "python3 " + PythonPrograms.mutant(server.program()) + " " + ARGUMENTS;
        CheckResult result = SuiteRunner.run(new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(command),
                true, 1, PointsTable.defaults(), server.graded()).withTests(server.tests()));

        assertThat(result.requirements(Verdict.FAIL)).as("the requirements %s failed; the report:%n%s",
                server.program(), report(result)).containsExactly(server.loses());
        Set<String> others = new TreeSet<>(server.graded());
        others.remove(server.loses());
        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", report(result))
                .containsExactlyInAnyOrderElementsOf(others);
        assertThat(result.score()).as("points: all but those of %s", server.loses())
                .isEqualTo(result.maxScore() - PointsTable.defaults().rule(server.loses()).orElseThrow().points());
    }

    private static String report(CheckResult result) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        TerminalReport.print(result, new PrintStream(text, true, StandardCharsets.UTF_8));
        return text.toString(StandardCharsets.UTF_8);
    }
}
