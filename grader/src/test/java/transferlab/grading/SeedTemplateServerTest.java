package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import transferlab.testkit.PythonPrograms;
import transferlab.grading.report.TerminalReport;

/**
 * Seed 004's server template, completed as a student of that course would
 * (tests/python/upload_server_template004.py: stores NAME.temp&lt;digits&gt; in its working directory,
 * takes [IP] [PORT]), graded the way resources/grading.md tells an instructor to:
 * {@code ./transfer check upload --server-cmd "cd {dir} && python3 …/server.py 127.0.0.1 {port}"}.
 * Issue 8: it keeps every core point; its real flaw (a client that closes early sends its
 * {@code while retrieved_size < file_size: recv} loop spinning on empty reads) fails U10 quickly,
 * with a message that says what happened and where to look.
 */
class SeedTemplateServerTest {
    static String templateCommand() {
        // The literal relative form a student types (surefire runs in tests/): the grader anchors it.
        return "cd {dir} && python3 " + java.nio.file.Path.of("").toAbsolutePath()
                .relativize(PythonPrograms.program("upload_server_template004.py")) + " 127.0.0.1 {port}";
    }

    @Test
    void theCompletedTemplatePassesEveryCoreRequirement() {
        PythonPrograms.assumePython();
        CheckResult result = SuiteRunner.run(new CheckPlan(Protocol.UPLOAD,
                CheckPlan.TargetSpec.serverCommand(templateCommand()), false, 1, PointsTable.defaults(), Set.of()));

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", report(result))
                .containsExactlyInAnyOrder("U1", "U2", "U3", "U5");
        assertThat(result.score()).as("core points").isEqualTo(13).isEqualTo(result.maxScore());
    }

    @Test
    void storedNamesOtherThanTheGivenConventionStillFailU3() {
        PythonPrograms.assumePython();
        // --stored-name '{name}': only the sent name counts, so NAME.temp1234 is not the stored file.
        CheckResult result = SuiteRunner.run(new CheckPlan(Protocol.UPLOAD,
                CheckPlan.TargetSpec.serverCommand(templateCommand()), false, 1, PointsTable.defaults(), Set.of("U3"))
                .withTests("seedUploadIsStoredWhole").withStoredNames(List.of("{name}")));

        RequirementVerdict u3 = result.verdict("U3").orElseThrow();
        assertThat(u3.verdict()).as("the report:%n%s", report(result)).isEqualTo(Verdict.FAIL);
        assertThat(u3.failures().get(0).message())
                .contains("no file 'seed-upload.bin' appeared in the server's directory", "seed-upload.bin.temp");
    }

    @Test
    void aClientThatClosesEarlyFailsU10QuicklyAndSaysWhy() {
        PythonPrograms.assumePython();
        CheckResult result = SuiteRunner.run(new CheckPlan(Protocol.UPLOAD,
                CheckPlan.TargetSpec.serverCommand(templateCommand()), true, 1, PointsTable.defaults(), Set.of("U10"))
                .withTests("clientThatSendsHalfTheContentAndClosesLeavesNoFileAndNoTemporaryFile"));

        RequirementVerdict u10 = result.verdict("U10").orElseThrow();
        assertThat(u10.verdict()).as("the report:%n%s", report(result)).isEqualTo(Verdict.FAIL);
        assertThat(u10.failures().get(0).message()).as("what the student reads")
                .containsPattern("left received/half\\.bin\\.temp\\d{4} \\(\\d+ bytes\\)")
                .contains("recv returns no bytes", "while received < size", "still held the connection open");
        // The wait for the partial file to go is PROMPTLY (5 s at factor 1), plus the server's start.
        assertThat(u10.failures().get(0).duration()).isLessThan(Duration.ofSeconds(15));
    }

    private static String report(CheckResult result) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        TerminalReport.print(result, new PrintStream(text, true, StandardCharsets.UTF_8));
        return text.toString(StandardCharsets.UTF_8);
    }
}
