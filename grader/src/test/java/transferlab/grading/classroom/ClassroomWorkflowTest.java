package transferlab.grading.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import transferlab.grading.CheckCommand;
import transferlab.grading.PointsTable;
import transferlab.grading.stage.StageProfile;

/**
 * The student tree's GitHub Classroom workflow (resources/student/.github/workflows/classroom.yml,
 * issue 21 item 3) is valid YAML; it has one autograding-command-grader step per graded part of each
 * stage, whose max-score is that part's maximum in the stage check (points.csv), so that the steps
 * add up to each stage's points; the reporter lists every step and reads each one's result; and each
 * step's command runs green on a completed tree (this kit, whose programs are the reference). To
 * stay quick, each command runs with a --tests selection of one or two contract tests of its part.
 * The workflow is the student tree's, whose stage 1 grades list/get (the kit's needs --ft).
 */
@Execution(ExecutionMode.CONCURRENT) // the commands' gradings mostly wait
class ClassroomWorkflowTest {
    static final Path WORKFLOW = HandIns.KIT.resolve("resources/student/.github/workflows/classroom.yml");
    private static final String GRADER = "classroom-resources/autograding-command-grader@v1";
    private static final String REPORTER = "classroom-resources/autograding-grading-reporter@v1";

    @Test
    void oneStepPerGradedPartWorthItsPointsAndTheReporterReadsThemAll() throws Exception {
        JsonNode steps = workflow().at("/jobs/run-autograding-tests/steps");
        assertThat(steps.isArray()).as("jobs.run-autograding-tests.steps").isTrue();
        Map<String, Double> maxScores = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        JsonNode reporter = null;
        for (JsonNode step : steps) {
            if (GRADER.equals(step.path("uses").asText())) {
                String command = step.at("/with/command").asText();
                assertThat(command).startsWith("./transfer check stage");
                String[] words = command.split(" ");
                maxScores.put(words[2] + " " + words[4], step.at("/with/max-score").asDouble());
                ids.add(step.path("id").asText());
                assertThat(step.at("/with/timeout").asInt()).isPositive();
            } else if (REPORTER.equals(step.path("uses").asText())) {
                reporter = step;
            }
        }
        Map<String, Double> expected = new LinkedHashMap<>();
        for (String stage : StageProfile.stageNames(null)) {
            // The student tree's stage 1 grades list/get too (release student; a tree written with
            // --without-ft drops those two steps: FtChoiceTest).
            SubmissionGrading.maxima(StageProfile.load(stage, null), PointsTable.defaults(), true)
                    .forEach((part, max) -> expected.put(stage + " " + part, max));
        }
        assertThat(maxScores).isEqualTo(expected);
        assertThat(maxScores.get("stage1 upload-server")).isEqualTo(19); // the handout's 19 points

        assertThat(reporter).as("the reporter step").isNotNull();
        assertThat(Arrays.asList(reporter.at("/with/runners").asText().split(","))).isEqualTo(ids);
        for (String id : ids) {
            assertThat(reporter.at("/env/" + id.toUpperCase(java.util.Locale.ROOT) + "_RESULTS").asText())
                    .isEqualTo("${{steps." + id + ".outputs.result}}");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "stage1, upload-server, seedHeaderInOneWriteGetsExactlyGoAhead",
        "stage1, ft-server, getSendsExactlyTheBytesOfTheFile",
        "stage1, ft-client, getLeavesAByteIdenticalFileTextBinaryAndEmptyAndExitsZero",
        "stage2, upload-server, clientPausedAfterGoAhead.*",
        "stage2, update-server, aPollGetsAFramedOfferAndExactlyTheFileBytes",
        "stage2, update-client, aQueuedFileIsStoredIntactUnderItsName",
        "stage3, ranged-server, aRawClientGetsExactlyEachBlock",
        "stage3, ranged-client, bytesThatDoNotMatchTheAnnouncedMd5FailWithANonZeroExitStatus"})
    void eachStepsCommandRunsGreenOnACompletedTree(String stage, String part, String tests, @TempDir Path reports)
            throws Exception {
        String command = null;
        for (JsonNode step : workflow().at("/jobs/run-autograding-tests/steps")) {
            if (step.path("id").asText().equals(stage + "-" + part)) {
                command = step.at("/with/command").asText();
            }
        }
        assertThat(command).isEqualTo("./transfer check " + stage + " --part " + part);
        List<String> args = new ArrayList<>(Arrays.asList(command.split(" ")).subList(2, 5));
        args.addAll(List.of("--tests", tests));
        if (part.startsWith("ft-")) {
            args.add("--ft"); // in this kit; the student tree's stage 1 grades list/get without it
        }
        Path results = reports.resolve("results.json");
        args.addAll(List.of("--gradescope", results.toString()));
        // Exit status 0: every requirement of the part passed ("Ready to hand in"), as the step needs.
        int status = CheckCommand.run(args.toArray(String[]::new));
        assertThat(status).as("%s%n%s", String.join(" ", args), failedRequirements(results)).isZero();
    }

    /** What the check's report says of each failed requirement, so that a failure here says why. */
    private static String failedRequirements(Path results) throws Exception {
        if (!Files.exists(results)) {
            return "(no report written)";
        }
        StringBuilder failed = new StringBuilder();
        for (JsonNode test : new ObjectMapper().readTree(results.toFile()).path("tests")) {
            if ("failed".equals(test.path("status").asText())) {
                failed.append(test.path("name").asText()).append(":\n")
                        .append(test.path("output").asText()).append('\n');
            }
        }
        return failed.toString();
    }

    private static JsonNode workflow() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(WORKFLOW.toFile());
    }
}
