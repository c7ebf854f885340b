package transferlab.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The grader judges programs, not the tree it ships in (issue 17, point 3): inside a generated
 * student tree ({@link GeneratedStudentTree}: the Java servers done, the clients not), {@code
 * ./transfer check stage1|stage2|stage3} gives the completed Python starters full marks, as in the
 * kit, with the handouts' own command lines ({@link #pythonChecks}: part of the student's path that
 * {@link StudentPathTranscriptTest} runs); and {@code ./transfer check stage3} of the student's own
 * Java programs gives the finished server full marks and fails only the unfinished client. Before,
 * the suite downloaded with the tree's own RangedClient, a stub there: a correct Python stage 3
 * server scored 4/23. And the tree's GitHub Classroom steps of stage 1 (its Java TODOs all done there)
 * pass, list/get's among them ({@link #workflowStage1Steps}). All the gradings run side by side on
 * the one tree.
 */
class StudentTreeGradesLikeTheKitTest {
    /**
     * The handouts' "Ready to hand in" command lines for the Python starters (the one command of
     * each handout that names {@code python/stageN/}; {@link StudentDocCommands} reads them from
     * the tree), each starter replaced by its completed one: {@code python/stage1/server.py} by
     * {@code tests/python/starters/stage1_server_done.py}. Without the {@code ./transfer}.
     */
    static Map<String, List<String>> pythonChecks(java.nio.file.Path tree) throws java.io.IOException {
        Map<String, List<String>> checks = new java.util.TreeMap<>();
        for (StudentDocCommands.DocCommand command : StudentDocCommands.of(tree)) {
            if (!command.doc().startsWith("resources/handouts/") || !command.startsWith("./transfer", "check")
                    || command.words().size() < 3) {
                continue;
            }
            String stage = command.words().get(2);
            if (!command.text().contains("python/" + stage + "/")) {
                continue;
            }
            List<String> completed = command.words().subList(1, command.words().size()).stream()
                    .map(word -> word.replaceAll("\\bpython/(stage\\d)/(\\w+)\\.py\\b",
                            "tests/python/starters/$1_$2_done.py")).toList();
            assertThat(checks.put(stage, completed)).as("one %s command with python/%s/ in the handouts: %s",
                    stage, stage, command).isNull();
        }
        assertThat(checks.keySet()).as("the handouts' Python commands").containsExactly("stage1", "stage2", "stage3");
        return checks;
    }

    /**
     * The stage 1 steps of the tree's GitHub Classroom workflow (.github/workflows/classroom.yml):
     * their commands, each with a {@code --tests} selection of one contract test of its part, so that
     * they stay quick. Stage 1 is the stage whose TODOs are all done in the generated tree.
     */
    static Map<String, List<String>> workflowStage1Steps(java.nio.file.Path tree) throws java.io.IOException {
        Map<String, String> oneTest = Map.of("upload-server", "seedHeaderInOneWriteGetsExactlyGoAhead",
                "ft-server", "getSendsExactlyTheBytesOfTheFile",
                "ft-client", "getLeavesAByteIdenticalFileTextBinaryAndEmptyAndExitsZero");
        Map<String, List<String>> steps = new java.util.TreeMap<>();
        String workflow = java.nio.file.Files.readString(tree.resolve(".github/workflows/classroom.yml"));
        Matcher command = Pattern.compile("command: \\./transfer (check stage1 --part (\\S+))\\s*$",
                Pattern.MULTILINE).matcher(workflow);
        while (command.find()) {
            List<String> args = new java.util.ArrayList<>(List.of(command.group(1).split(" ")));
            args.addAll(List.of("--tests", oneTest.get(command.group(2))));
            steps.put(command.group(2), args);
        }
        assertThat(steps.keySet()).as("the workflow's stage 1 steps").containsExactlyInAnyOrderElementsOf(
                oneTest.keySet());
        return steps;
    }

    /** A part's score line (TerminalReport): points, maximum, failed requirements. */
    private static final Pattern PART_SCORE = Pattern.compile(
            "Score: ([\\d.]+)/([\\d.]+) points; \\d+ passed, (\\d+) failed");
    private static final Pattern SCORE = Pattern.compile("^(stage\\d): ([\\d.]+)/([\\d.]+) points(.*)$",
            Pattern.MULTILINE);

    @Test
    void theCompletedPythonStartersGetFullMarksAndAJavaServerIsNotBlamedForItsClient() throws Exception {
        GeneratedStudentTree tree = GeneratedStudentTree.shared();
        Map<String, List<String>> pythonChecks = pythonChecks(tree.root());
        Map<String, CompletableFuture<GeneratedStudentTree.Run>> runs = new LinkedHashMap<>();
        Map<String, List<String>> workflowSteps = workflowStage1Steps(tree.root());
        ExecutorService sideBySide = Executors.newFixedThreadPool(pythonChecks.size() + 1);
        try {
            pythonChecks.forEach((stage, args) -> runs.put("python " + stage, inBackground(tree, args, sideBySide)));
            runs.put("java stage3", inBackground(tree, List.of("check", "stage3"), sideBySide));
            workflowSteps.forEach((part, args) -> runs.put("workflow " + part, inBackground(tree, args, sideBySide)));
            CompletableFuture.allOf(runs.values().toArray(CompletableFuture[]::new)).join();
        } finally {
            sideBySide.shutdown();
        }

        for (String stage : List.of("stage1", "stage2", "stage3")) {
            GeneratedStudentTree.Run run = runs.get("python " + stage).join();
            Matcher score = score(run, stage);
            assertThat(score.group(2)).as("%s of the completed Python starter in the student tree (%s):\n%s",
                    stage, pythonChecks.get(stage), run.output()).isEqualTo(score.group(3));
            assertThat(run.output()).as("the handout's %s command", stage).contains("Ready to hand in");
            assertThat(run.exitStatus()).as(run.output()).isZero();
        }
        for (Map.Entry<String, List<String>> step : workflowSteps.entrySet()) {
            // The GitHub Classroom step passes when check exits 0: every graded requirement passed.
            GeneratedStudentTree.Run run = runs.get("workflow " + step.getKey()).join();
            assertThat(run.exitStatus()).as("the workflow's step %s in the student tree:\n%s", step.getValue(),
                    run.output()).isZero();
            Matcher partScore = PART_SCORE.matcher(run.output());
            assertThat(partScore.find()).as("%s graded, not skipped:\n%s", step.getKey(), run.output()).isTrue();
            assertThat(partScore.group(1)).as("its points").isEqualTo(partScore.group(2)).isNotEqualTo("0");
        }
        GeneratedStudentTree.Run java = runs.get("java stage3").join();
        Matcher score = score(java, "stage3");
        // The stage's line names failed requirements (StageCheck.print), not parts: the client's part
        // must be the one that fails, and the server's below must fail nothing.
        assertThat(score.group(4)).as("stage 3 with the server's TODO done and the client's not:\n%s",
                java.output()).startsWith("; failed: ");
        String clientPart = java.output().substring(java.output().indexOf("== stage3, ranged-client =="));
        Matcher clientScore = PART_SCORE.matcher(clientPart);
        assertThat(clientScore.find()).as("the client part's score line in:\n%s", clientPart).isTrue();
        assertThat(clientScore.group(3)).as("failed requirements of the unfinished Java client").isNotEqualTo("0");
        String serverPart = java.output().substring(java.output().indexOf("== stage3, ranged-server =="),
                java.output().indexOf("== stage3, ranged-client =="));
        Matcher serverScore = PART_SCORE.matcher(serverPart);
        assertThat(serverScore.find()).as("the server part's score line in:\n%s", serverPart).isTrue();
        assertThat(serverScore.group(1)).as("the finished Java server's points:\n%s", serverPart)
                .isEqualTo(serverScore.group(2));
        assertThat(serverScore.group(3)).as("failed requirements of the finished Java server").isEqualTo("0");
        assertThat(java.exitStatus()).isEqualTo(1);
    }

    private static Matcher score(GeneratedStudentTree.Run run, String stage) {
        Matcher score = SCORE.matcher(run.output());
        assertThat(score.find()).as("a score line for %s in:\n%s", stage, run.output()).isTrue();
        assertThat(score.group(1)).isEqualTo(stage);
        return score;
    }

    private static CompletableFuture<GeneratedStudentTree.Run> inBackground(GeneratedStudentTree tree,
                                                                            List<String> args, Executor pool) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return tree.transfer(args.toArray(String[]::new));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, pool);
    }
}
