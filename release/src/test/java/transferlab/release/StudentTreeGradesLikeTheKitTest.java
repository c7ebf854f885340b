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
 * kit, with the handouts' command lines; and {@code ./transfer check stage3} of the student's own
 * Java programs (a few tests of each part) gives the finished server full marks and fails only the
 * unfinished client. Before,
 * the suite downloaded with the tree's own ParallelClient, a stub there: a correct Python stage 3
 * server scored 4/23. All the gradings run side by side on the one tree.
 */
class StudentTreeGradesLikeTheKitTest {
    /** The handouts' command lines (resources/handouts/), with the completed starter for the stub. */
    static final String LIMITS = " --max-size {max-size} --idle-timeout {idle-timeout} --deadline {deadline}"
            + " --header-settle {header-settle}";
    static final Map<String, List<String>> PYTHON_CHECKS = Map.of(
            "stage1", List.of("check", "stage1", "--server-cmd", "python3 tests/python/starters/stage1_server_done.py"
                    + " 127.0.0.1 {port} --dir {dir}" + LIMITS),
            "stage2", List.of("check", "stage2", "--server-cmd", "python3 tests/python/starters/stage2_server_done.py"
                    + " 127.0.0.1 {port} --dir {dir}" + LIMITS),
            "stage3", List.of("check", "stage3",
                    "--server-cmd", "python3 tests/python/starters/stage3_server_done.py {port} --root {dir}",
                    "--client-cmd", "python3 tests/python/starters/stage3_client_done.py {address} {threads} {file}"
                            + " {ofile}"));
    /**
     * The Java programs' run is only to tell server from client, so it runs a few tests of each
     * part (the server's core on the wire, the client's whole downloads), not the whole stage.
     */
    static final String JAVA_STAGE3_TESTS = "theReplyHasTheSeedsFields|aRawClientGetsExactlyEachBlock|aMissingFileIs404"
            + "|sixteenClientsDownloadDifferentFilesAtOnce|eightDownloadsAtOnceAreIntactFromOneToTenThreads";
    /** A part's score line (TerminalReport): points, maximum, failed requirements. */
    private static final Pattern PART_SCORE = Pattern.compile(
            "Score: ([\\d.]+)/([\\d.]+) points; \\d+ passed, (\\d+) failed");
    private static final Pattern SCORE = Pattern.compile("^(stage\\d): ([\\d.]+)/([\\d.]+) points(.*)$",
            Pattern.MULTILINE);

    @Test
    void theCompletedPythonStartersGetFullMarksAndAJavaServerIsNotBlamedForItsClient() throws Exception {
        GeneratedStudentTree tree = GeneratedStudentTree.shared();
        Map<String, CompletableFuture<GeneratedStudentTree.Run>> runs = new LinkedHashMap<>();
        ExecutorService sideBySide = Executors.newFixedThreadPool(PYTHON_CHECKS.size() + 1);
        try {
            PYTHON_CHECKS.forEach((stage, args) -> runs.put("python " + stage, inBackground(tree, args, sideBySide)));
            runs.put("java stage3", inBackground(tree, List.of("check", "stage3", "--tests", JAVA_STAGE3_TESTS),
                    sideBySide));
            CompletableFuture.allOf(runs.values().toArray(CompletableFuture[]::new)).join();
        } finally {
            sideBySide.shutdown();
        }

        for (String stage : List.of("stage1", "stage2", "stage3")) {
            GeneratedStudentTree.Run run = runs.get("python " + stage).join();
            Matcher score = score(run, stage);
            assertThat(score.group(2)).as("%s of the completed Python starter in the student tree:\n%s", stage,
                    run.output()).isEqualTo(score.group(3));
            assertThat(run.exitStatus()).as(run.output()).isZero();
        }
        GeneratedStudentTree.Run java = runs.get("java stage3").join();
        Matcher score = score(java, "stage3");
        assertThat(score.group(4)).as("the failed parts of stage 3 with the server's TODO done and the client's "
                + "not:\n%s", java.output()).isEqualTo("; failed: ranged-client");
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
