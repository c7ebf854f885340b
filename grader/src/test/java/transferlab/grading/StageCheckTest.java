package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import transferlab.grading.checks.ExternalUploadCheck;
import transferlab.grading.program.CommandLineTemplate;
import transferlab.testkit.PythonPrograms;
import transferlab.grading.stage.CommandTable;
import transferlab.grading.stage.StageCheck;
import transferlab.grading.stage.StageProfile;
import transferlab.grading.program.Network;

/**
 * {@code ./transfer check stage1}: the stage's lesson, graded from the profiles file. The
 * reference (the kit's own Java, started from this build) gets full marks; a server with one of
 * stage 1's typical bugs fails it, and the report names the requirement (U4 the header read whole,
 * U10 nothing half-written), although both are extensions that {@code check upload} alone skips.
 */
@Execution(ExecutionMode.CONCURRENT) // its grading runs mostly wait: several at once (tests/pom.xml)
class StageCheckTest {
    /** The known-bad servers take the good one's command line. */
    static final String MUTANT_ARGUMENTS = " {port} {dir} {max-size} {idle-timeout} {deadline} {header-settle}";

    @Test
    void theReferenceGetsFullMarksInStage1() {
        StageProfile stage1 = StageProfile.load("stage1", null);
        StageCheck.Result result = StageCheck.run(stage1, StageCheck.Options.kitsOwn(PointsTable.defaults()));

        StageCheck.PartResult upload = result.part("upload-server").orElseThrow();
        assertThat(upload.command()).as("the kit's own program, as the student reads it")
                .startsWith("./transfer upload-server ");
        assertThat(upload.result().requirements(Verdict.PASS)).as(report(result))
                .containsExactlyInAnyOrderElementsOf(upload.part().requirements());
        assertThat(result.maxScore()).isEqualTo(pointsOf(upload.part().requirements()));
        assertThat(result.score()).isEqualTo(result.maxScore());
        assertThat(result.passed()).isTrue();
    }

    @ParameterizedTest(name = "{0} fails {1}")
    @CsvSource({
        // one recv of the header: a header the network splits loses the end of its name
        "upload_one_recv_header.py, U4, headerSplit.*, 1",
        // the half file stays under its name; the wait for it to go is cut short (factor 0.05)
        "upload_leaves_partial_file.py, U10, clientThatSendsHalfTheContent.*, 0.05"})
    void aStage1BugFailsCheckStage1NamingItsRequirement(String program, String requirement, String tests,
                                                          double timeoutFactor) {
        PythonPrograms.assumePython();
        StageCheck.Options options = new StageCheck.Options("python3 " + PythonPrograms.mutant(program)
                + MUTANT_ARGUMENTS, null, Map.of(), false, timeoutFactor, PointsTable.defaults(), 1, null,
                Network.DIRECT, Pattern.compile(tests));

        StageCheck.Result result = StageCheck.run(StageProfile.load("stage1", null), options);

        // U14 (one bad client never hurts another) is cited by the same tests, and may fail with it.
        assertThat(result.failed()).as(report(result)).contains(requirement).isSubsetOf(requirement, "U14");
        assertThat(result.passed()).isFalse();
        assertThat(report(result)).contains("FAIL  " + requirement, "Not ready to hand in");
    }

    @Test
    void stage2JudgesU16AsConcurrentSoAnIterativeServerFailsIt() {
        PythonPrograms.assumePython();
        // The stage 1 Python starter, done: a correct server, one client at a time (it passes check stage1).
        StageCheck.Options options = new StageCheck.Options(PythonStartersTest.STAGE1_DONE, null, Map.of(), false, 1,
                PointsTable.defaults(), 1, null, Network.DIRECT, Pattern.compile("clientPausedAfterGoAhead.*"));

        StageCheck.Result result = StageCheck.run(StageProfile.load("stage2", null), options);

        assertThat(result.part("upload-server").orElseThrow().part().concurrent()).isTrue();
        assertThat(result.failed()).as(report(result)).containsExactly("U16");
    }

    @Test
    void withCommandsGivenAPartWithoutOneIsNotGradedAndSaysHowToGradeIt() {
        PythonPrograms.assumePython();
        StageCheck.Options options = new StageCheck.Options("python3 " + PythonPrograms.mutant(
                "good_upload_server.py") + MUTANT_ARGUMENTS, null, Map.of(), false, 1, PointsTable.defaults(), 1,
                null, Network.DIRECT, Pattern.compile("seedHeaderInOneWrite.*"));

        StageCheck.Result result = StageCheck.run(StageProfile.load("stage2", null), options);

        StageCheck.PartResult update = result.part("update-server").orElseThrow();
        assertThat(update.graded()).isFalse();
        assertThat(update.notGraded()).contains("--cmd update-server=");
        assertThat(report(result)).contains("not graded: update-server");
    }

    @Test
    void profilesExpandRangesAndRefuseWhatTheyCannotGrade() {
        assertThat(StageProfile.requirements("U1-U5 U8 F1-3")).containsExactly("U1", "U2", "U3", "U4", "U5", "U8",
                "F1", "F2", "F3");
        assertThatThrownBy(() -> StageProfile.requirements("U5-U1")).hasMessageContaining("empty range");
        assertThatThrownBy(() -> StageProfile.load("stage9", null)).hasMessageContaining("stage1, stage2, stage3");
        for (String stage : StageProfile.stageNames(null)) {
            for (StageProfile.Part part : StageProfile.load(stage, null).parts()) {
                assertThat(part.requirements()).as("%s %s: every requirement is in the points file", stage,
                        part.name()).allSatisfy(id -> assertThat(PointsTable.defaults().rule(id)).isPresent());
            }
        }
    }

    @Test
    void theKitsOwnCommandsAreTheLaunchersMainClasses() {
        Map<String, String> table = new java.util.LinkedHashMap<>();
        CommandTable.of(StageCheck.kitRoot()).forEach((name, row) -> table.put(name, row.mainClass()));

        assertThat(table).containsEntry("upload-server", "transferlab.upload.MultiClientUploadServerCommand");
        for (String stage : StageProfile.stageNames(null)) {
            for (StageProfile.Part part : StageProfile.load(stage, null).parts()) {
                assertThat(table).as("%s %s runs ./transfer %s", stage, part.name(), part.command())
                        .containsKey(part.command().split("\\s+")[0]);
            }
        }
        assertThat(StageCheck.kitCommands().apply("upload-server --port {port}"))
                .contains("-cp ", " transferlab.upload.MultiClientUploadServerCommand --port {port}");
    }

    @Test
    void usageErrorsOfCheckExitTwo() {
        assertThat(CheckCommand.run("stage9")).as("an unknown stage").isEqualTo(2);
        assertThat(CheckCommand.run("uplaod", "--server-cmd", "x")).as("an unknown protocol or stage").isEqualTo(2);
        assertThat(CheckCommand.run("upload")).as("a protocol needs a target").isEqualTo(2);
        assertThat(CheckCommand.run("stage1", "--extensions")).as("a stage grades its profile").isEqualTo(2);
        assertThat(CheckCommand.run("stage1", "--cmd", "nothing-server=x")).as("a part the stage lacks")
                .isEqualTo(2);
    }

    @Test
    void theCommandTableSkipsCommentsAndModulesNotInTheCheckout(@org.junit.jupiter.api.io.TempDir
                                                                 java.nio.file.Path kit) throws java.io.IOException {
        java.nio.file.Files.createDirectories(kit.resolve("resources"));
        java.nio.file.Files.writeString(kit.resolve(CommandTable.FILE), """
                # name, module, main class, what
                upload-server\tmulti-client\ttransferlab.upload.MultiClientUploadServerCommand\treceive (U)
                upload-server\tsingle-client\ttransferlab.upload.UploadServerCommand\treceive (U)
                ftserver\tsingle-client\ttransferlab.ft.FtServerCommand\tserve a directory (F); a|b
                """);
        java.nio.file.Files.createDirectories(kit.resolve("single-client/src/main"));

        assertThat(CommandTable.of(kit)).as("rows of a module not in the checkout are skipped")
                .containsExactly(Map.entry("upload-server", new CommandTable.Row("upload-server", "single-client",
                                "transferlab.upload.UploadServerCommand")),
                        Map.entry("ftserver", new CommandTable.Row("ftserver", "single-client",
                                "transferlab.ft.FtServerCommand")));
    }

    /** The hand-in spec's promise: the limits a test chooses reach a server command line as placeholders. */
    @Test
    void theHandoutsCommandLineReceivesTheLimitsSoU12AndU13CanBeGraded() {
        String handout = "python3 python/stage1/server.py 127.0.0.1 {port} --dir {dir} --max-size {max-size} "
                + "--idle-timeout {idle-timeout} --deadline {deadline} --header-settle {header-settle}";
        transferlab.contract.upload.UploadTestLimits limits = transferlab.contract.upload.UploadTestLimits
                .of(1000, java.time.Duration.ofMillis(400))
                .withTransferDeadline(java.time.Duration.ofMillis(2500));
        Map<String, String> values = new java.util.HashMap<>(ExternalUploadCheck.placeholders(handout, limits));
        values.put("port", "40117");
        values.put("dir", "/tmp/d");

        assertThat(CommandLineTemplate.fill(handout, values)).isEqualTo("python3 python/stage1/server.py 127.0.0.1 "
                + "40117 --dir /tmp/d --max-size 1000 --idle-timeout 0.400 --deadline 2.500 --header-settle 0.050");
    }

    static double pointsOf(Set<String> requirements) {
        return requirements.stream().mapToDouble(id -> PointsTable.defaults().rule(id).orElseThrow().points()).sum();
    }

    static String report(StageCheck.Result result) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StageCheck.print(result, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
