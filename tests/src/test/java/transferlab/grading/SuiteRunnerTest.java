package transferlab.grading;

import transferlab.python.PythonPrograms;
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

    static CheckResult runSample(boolean extensions) throws IOException {
        PythonPrograms.assumePython();
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(GOOD_SERVER), extensions, 1,
                points(), Set.of());
        return SuiteRunner.run(plan, List.of(SampleCheck.class));
    }

    @Test
    void everyTestCountsForTheRequirementsItCites() throws IOException {
        CheckResult result = runSample(false);

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
        assertThat(result.verdict("U3").orElseThrow().tests().get(0).message()).contains("needs something this target lacks");
        assertThat(result.verdict("U4")).as("extensions are not graded by default").isEmpty();
        assertThat(result.extensionsNotGraded()).isEqualTo(1);
        assertThat(result.verdict("U5").orElseThrow().verdict()).isEqualTo(Verdict.NOT_APPLICABLE);
        assertThat(result.verdict("U5").orElseThrow().reason()).isEqualTo("no test in this check covers it");
        assertThat(result.unmappedTests()).containsExactly("transferlab.grading.SampleCheck.citesNothing");
        assertThat(result.passed()).isFalse();
        assertThat(result.score()).isEqualTo(2);
        assertThat(result.maxScore()).as("N/A requirements are not at stake").isEqualTo(5);
    }

    @Test
    void extensionsAreGradedWhenAskedFor() throws IOException {
        CheckResult result = runSample(true);

        assertThat(result.verdict("U4").orElseThrow().verdict()).isEqualTo(Verdict.PASS);
        assertThat(result.extensionsNotGraded()).isZero();
    }

    @Test
    void reportsSayTheSameInThreeFormats() throws Exception {
        CheckResult result = runSample(false);
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
                .contains("Score: 2/5 points; 1 passed, 1 failed, 2 not applicable");
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertThat(results.get("score").asDouble()).isEqualTo(2.0);
        JsonNode u2 = results.get("tests").get(1);
        assertThat(u2.get("name").asText()).isEqualTo("U2 a requirement the sample fails");
        assertThat(u2.get("status").asText()).isEqualTo("failed");
        assertThat(u2.get("max_score").asDouble()).isEqualTo(3.0);
        assertThat(u2.get("visibility").asText()).isEqualTo("hidden");
        assertThat(u2.get("output").asText()).contains("go away!");
        Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(xml));
        assertThat(junit.getDocumentElement().getAttribute("tests")).isEqualTo("5");
        assertThat(junit.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(junit.getDocumentElement().getAttribute("skipped")).isEqualTo("1");
    }

    @Test
    void aServerCommandThatNeverListensFailsWithItsOwnWords() throws IOException {
        PythonPrograms.assumePython();
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD,
                CheckPlan.TargetSpec.serverCommand("python3 -c \"import sys; print('cannot start: no such thing'); sys.exit(3)\" {port}"),
                false, 1, points(), Set.of("U1"));

        CheckResult result = SuiteRunner.run(plan, List.of(SampleCheck.class));

        TestOutcome first = result.verdict("U1").orElseThrow().failures().get(0);
        assertThat(first.message()).contains("exited with status 3").contains("cannot start: no such thing");
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

        CheckResult result = SuiteRunner.verdicts(plan, "a sample", outcomes, List.of(), java.time.Duration.ZERO, Set.of());

        assertThat(result.verdict("U1")).get().extracting(RequirementVerdict::verdict).isEqualTo(Verdict.PASS);
        assertThat(result.verdict("U1").orElseThrow().tests()).extracting(TestOutcome::name).containsExactly("coreOnly()");
        assertThat(result.verdict("U4")).get().extracting(RequirementVerdict::verdict).isEqualTo(Verdict.FAIL);
        assertThat(result.verdict("U3")).get().extracting(RequirementVerdict::verdict).isEqualTo(Verdict.FAIL);
    }

    private static TestOutcome outcome(String name, List<String> requirements, Verdict verdict) {
        return new TestOutcome(name, requirements, verdict, verdict == Verdict.FAIL ? "expected x but was y" : "", "",
                java.time.Duration.ZERO);
    }
}
