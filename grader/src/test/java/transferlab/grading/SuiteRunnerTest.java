package transferlab.grading;

import transferlab.testkit.PythonPrograms;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import transferlab.grading.report.GradescopeReport;
import transferlab.grading.report.JUnitXmlReport;
import transferlab.grading.report.TerminalReport;

/**
 * The runner's own behaviour, on a sample check against the good Python upload server: how test
 * outcomes become requirement verdicts, what is graded, and what the three reports contain.
 */
class SuiteRunnerTest {
    static final String GOOD_SERVER = "python3 " + PythonPrograms.mutant("good_upload_server.py") + " {port} {dir}";
    static final String POINTS = """
            # requirement, scope, points, visibility, title
            U1, core, 2, visible, go ahead after a header
            U2, core, 3, hidden, a requirement the sample fails
            U3, core, 1, visible, a requirement that does not apply
            U4, extension, 1, visible, an extension
            U5, core, 1, visible, a requirement no test cites
            """;

    @TempDir
    Path reports;

    static PointsTable points() throws IOException {
        return PointsTable.parse(new ByteArrayInputStream(POINTS.getBytes(StandardCharsets.UTF_8)), "test points");
    }

    /** The core-only sample run, graded once and read by several tests (a result is immutable). */
    private static CheckResult coreRun;

    static synchronized CheckResult coreSample() throws IOException {
        if (coreRun == null) {
            coreRun = runSample(false);
        }
        return coreRun;
    }

    static CheckResult runSample(boolean extensions) throws IOException {
        PythonPrograms.assumePython();
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(GOOD_SERVER), extensions, 1,
                points(), Set.of());
        return SuiteRunner.run(plan, List.of(SampleCheck.class));
    }

    @Test
    void everyTestCountsForTheRequirementsItCites() throws IOException {
        CheckResult result = coreSample();

        assertThat(result.verdict("U1")).get().satisfies(u1 -> {
            assertThat(u1.verdict()).isEqualTo(Verdict.PASS);
            assertThat(u1.tests()).hasSize(3); // one test and two parameterized invocations
        });
        assertThat(result.verdict("U2")).get().satisfies(u2 -> {
            assertThat(u2.verdict()).isEqualTo(Verdict.FAIL);
            assertThat(u2.failures().get(0).message())
                    .contains("[the reply to a header]").contains("go away!").contains("go ahead");
        });
        assertThat(result.verdict("U3").orElseThrow().verdict()).isEqualTo(Verdict.NOT_APPLICABLE);
        assertThat(result.verdict("U3").orElseThrow().tests().get(0).message())
                .contains("needs something this target lacks");
        assertThat(result.verdict("U4")).as("extensions are not graded by default").isEmpty();
        assertThat(result.extensionsNotGraded()).isEqualTo(1);
        assertThat(result.verdict("U5").orElseThrow().verdict()).isEqualTo(Verdict.NOT_APPLICABLE);
        assertThat(result.verdict("U5").orElseThrow().reason()).isEqualTo("no test in this check covers it");
        assertThat(result.unmappedTests()).containsExactly("transferlab.grading.SampleCheck.citesNothing");
        assertThat(result.passed()).isFalse();
        assertThat(result.score()).isEqualTo(2);
        assertThat(result.maxScore()).as("every graded requirement a test covers is at stake, N/A included")
                .isEqualTo(6);
    }

    @Test
    void aFailedTestCarriesItsOwnNotesAndTheServersLinesOnOneClock() throws IOException {
        CheckResult result = coreSample();

        List<TimelineEvent> timeline = result.verdict("U2").orElseThrow().failures().get(0).timeline();
        assertThat(timeline).extracting(TimelineEvent::source).contains("test", "server");
        assertThat(timeline).extracting(TimelineEvent::text)
                .anyMatch(text -> text.startsWith("[started, told to listen on port "))
                .anyMatch(text -> text.contains("listening on")) // the good server's own first line
                .containsSubsequence("sent the header of d.txt (size 3)", "read the reply 'go ahead'");
        assertThat(timeline).extracting(TimelineEvent::at).isSorted()
                .allMatch(at -> !at.isNegative() && at.compareTo(result.duration()) < 0);
        assertThat(result.verdict("U1").orElseThrow().tests()).as("a passed test keeps no timeline")
                .allMatch(test -> test.timeline().isEmpty());
    }

    /**
     * Tests run at once ({@code --tests-at-once}, check-class's default) each start their own server:
     * a failed test's timeline shows its own server only. It once showed every server of the run in
     * its window, and the test's own lines were pushed out by the others'.
     */
    @Test
    void testsRunAtOnceEachShowOnlyTheirOwnServerInTheirTimeline() {
        PythonPrograms.assumePython();
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(PythonPrograms.interpreter()
                + " " + PythonPrograms.mutant("upload_leaves_partial_file.py") + " {port} {dir}"), true, 1,
                PointsTable.defaults(), Set.of("U10")).withTestsAtOnce(4);

        CheckResult result = SuiteRunner.run(plan);

        List<TestOutcome> failures = result.verdict("U10").orElseThrow().failures();
        assertThat(failures).as("U10's tests, failed by a server that leaves its partial files").hasSizeGreaterThan(1);
        for (TestOutcome failure : failures) {
            assertThat(failure.timeline()).as(failure.name()).extracting(TimelineEvent::source)
                    .contains("test").containsOnly("test", "server");
            assertThat(failure.timeline()).as(failure.name()).extracting(TimelineEvent::text)
                    .filteredOn(text -> text.startsWith("[started, told to listen on port ")).hasSize(1);
        }
    }

    @Test
    void extensionsAreGradedWhenAskedFor() throws IOException {
        CheckResult result = runSample(true);

        assertThat(result.verdict("U4").orElseThrow().verdict()).isEqualTo(Verdict.PASS);
        assertThat(result.extensionsNotGraded()).isZero();
    }

    @Test
    void reportsSayTheSameInThreeFormats() throws Exception {
        CheckResult result = coreSample();
        Path json = reports.resolve("results.json");
        Path xml = reports.resolve("junit.xml");
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();

        TerminalReport.print(result, new PrintStream(terminal, true, StandardCharsets.UTF_8));
        GradescopeReport.write(result, json);
        JUnitXmlReport.write(result, xml);

        assertThat(terminal.toString(StandardCharsets.UTF_8))
                .contains("PASS  U1")
                .contains("FAIL  U2")
                .contains("x aFailingExpectation()")
                .contains("N/A   U3")
                .contains("Score: 2/6 points; 1 passed, 1 failed, 2 not applicable (1 points not checked: U3)");
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertThat(results.get("score").asDouble()).isEqualTo(2.0);
        assertThat(results.get("tests")).as("N/A is never a test entry, so never 'passed'")
                .extracting(test -> test.get("number").asText()).containsExactly("U1", "U2");
        assertThat(results.get("output").asText()).contains("2 of 6 points")
                .contains("Not checked, so not in the score (1 points)")
                .contains("U3 (1 points): needs something this target lacks")
                .contains("U5 (0 points): no test in this check covers it");
        JsonNode u2 = results.get("tests").get(1);
        assertThat(u2.get("name").asText()).isEqualTo("U2 a requirement the sample fails");
        assertThat(u2.get("status").asText()).isEqualTo("failed");
        assertThat(u2.get("max_score").asDouble()).isEqualTo(3.0);
        assertThat(u2.get("visibility").asText()).isEqualTo("hidden");
        assertThat(u2.get("output").asText()).contains("go away!").contains("timeline (seconds since the test started)")
                .contains("test    sent the header of d.txt");
        Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(xml));
        assertThat(junit.getDocumentElement().getAttribute("tests")).isEqualTo("5");
        assertThat(junit.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(junit.getDocumentElement().getAttribute("skipped")).isEqualTo("1");
    }

    @Test
    void aCoreRequirementIsJudgedByItsCoreOnlyTestsNotByTestsThatAlsoCheckAnExtension() throws IOException {
        // With --extensions, a seed server passes the core test of U1 and fails a test of U1 and U4
        // only for U4's sake: U1 passes, U4 fails. U3 has only a mixed test, so that one judges it.
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(GOOD_SERVER), true, 1,
                points(), Set.of());
        List<TestOutcome> outcomes = List.of(
                outcome("coreOnly()", List.of("U1"), Verdict.PASS),
                outcome("coreAndExtension()", List.of("U1", "U4"), Verdict.FAIL),
                outcome("onlyMixedTestOfU3()", List.of("U3", "U4"), Verdict.FAIL));

        List<RequirementVerdict> verdicts = SuiteRunner.verdicts(plan, outcomes, Set.of(), new java.util.ArrayList<>());

        assertThat(verdict(verdicts, "U1").verdict()).isEqualTo(Verdict.PASS);
        assertThat(verdict(verdicts, "U1").tests()).extracting(TestOutcome::name).containsExactly("coreOnly()");
        assertThat(verdict(verdicts, "U4").verdict()).isEqualTo(Verdict.FAIL);
        assertThat(verdict(verdicts, "U3").verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void verdictsComeInNumberOrderWhateverOrderThePointsFileHas() throws IOException {
        // The course's points file lists U5 (core) before U4 (an extension); reports list U4 first.
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(GOOD_SERVER), true, 1,
                PointsTable.defaults(), Set.of());
        List<TestOutcome> outcomes = List.of(outcome("a()", List.of("U5", "U10", "U4", "U1"), Verdict.PASS));

        List<String> order = SuiteRunner.verdicts(plan, outcomes, Set.of(), new java.util.ArrayList<>()).stream()
                .map(RequirementVerdict::requirement).toList();

        assertThat(order).contains("U1", "U4", "U5", "U10")
                .isSortedAccordingTo(SuiteRunner::byNumber);
        assertThat(order.indexOf("U4")).isLessThan(order.indexOf("U5"));
        assertThat(order.indexOf("U9")).isLessThan(order.indexOf("U10"));
        assertThat(SuiteRunner.byNumber("F25", "U1")).isNegative();
    }

    private static RequirementVerdict verdict(List<RequirementVerdict> verdicts, String requirement) {
        return verdicts.stream().filter(verdict -> verdict.requirement().equals(requirement)).findFirst().orElseThrow();
    }

    static TestOutcome outcome(String name, List<String> requirements, Verdict verdict) {
        return new TestOutcome(name, requirements, verdict, verdict == Verdict.FAIL ? "expected x but was y" : "", "",
                java.time.Duration.ZERO, List.of());
    }
}
