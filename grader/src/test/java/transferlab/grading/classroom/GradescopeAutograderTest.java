package transferlab.grading.classroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.grading.CheckCommandLine;
import transferlab.grading.PythonStartersTest;
import transferlab.testkit.PythonPrograms;

/**
 * {@code ./transfer release autograder} (issue 21, item 1): the zip holds setup.sh and
 * run_autograder at its root and the kit beside them; unzipped into a simulated {@code /autograder}
 * (source, submission, results, as Gradescope lays them out, {@code AUTOGRADER_ROOT} pointing at
 * it), its run_autograder grades four hand-ins (a correct Java tree, a correct Python hand-in, an
 * unfinished one, one that does not compile) side by side, and each results.json has Gradescope's
 * documented shape and the expected score. Run as root (as Gradescope runs it), the graded program
 * runs as nobody. A fifth hand-in is issue 18's attack on the script itself
 * (tests/python/attacks/server_rewrites_run_autograder.py): it gets no more than its own grade, and
 * the autograder's files stay as they were. A run's script rewritten while it runs (what such an
 * attack would do where nothing stopped it) changes nothing of that run: bash has read the
 * whole script before it runs any of it. The kit is not built again from the zip (a Maven build of the whole kit would
 * take minutes): the script runs the grader of this build, copied where nobody can read it.
 */
class GradescopeAutograderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void theZipsRunAutograderGradesFourHandInsAndAnAttackIntoGradescopesSchema() throws Exception {
        PythonPrograms.assumePython();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) || !isRoot(), "setpriv is needed as root");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = work.resolve("gradescope");
        // Quick: one or two contract tests per requirement of stage 1, every requirement still graded.
        assertThat(CheckCommandLine.run(new GradescopeAutograder(), out.toString(), "--stage", "stage1", "--tests",
                PythonStartersTest.STAGE1_TESTS.pattern())).isZero();

        Path source = work.resolve("source");
        List<String> entries = unzip(out.resolve("autograder.zip"), source);
        assertThat(entries).contains("setup.sh", "run_autograder", "kit/transfer", "kit/pom.xml",
                "kit/grader/src/main/resources/grading/points.csv");
        assertThat(entries).noneMatch(entry -> entry.contains("/target/") || entry.matches("kit/\\.git(/.*)?"));
        String script = Files.readString(source.resolve("run_autograder"), StandardCharsets.UTF_8);
        assertThat(script).contains("--stage stage1").contains("grade \"$@\"; exit $?");
        String classPath = readableCopyOfTheGradersClassPath(work.resolve("classpath"));

        Map<String, Process> runs = new LinkedHashMap<>();
        Map<String, Path> handIns = new LinkedHashMap<>(Map.of(
                "java", HandIns.javaTree(work.resolve("java-handin")),
                "python", HandIns.pythonDone(work.resolve("python-handin")),
                "unfinished", HandIns.pythonUnfinished(work.resolve("unfinished-handin")),
                "broken", HandIns.javaTreeThatDoesNotCompile(work.resolve("broken-handin"))));
        // The attack is stopped by the user it runs as (nobody, when this test runs as root) or by the
        // box; with neither, it would rewrite the script the other runs share.
        boolean attackConfined = isRoot() || transferlab.grading.program.Sandbox.unavailableReason().isEmpty();
        if (attackConfined) {
            handIns.put("attack", HandIns.pythonAttack(work.resolve("attack-handin"),
                    "server_rewrites_run_autograder.py"));
        }
        // The script's own shape, without the box's help: this run's run_autograder (a copy of its
        // own) is rewritten while it runs into lines that write a full score.
        handIns.put("rewritten", HandIns.pythonUnfinished(work.resolve("rewritten-handin")));
        Path rewrittenSource = work.resolve("source-rewritten");
        unzip(out.resolve("autograder.zip"), rewrittenSource);
        String sourceBefore = digest(source);
        for (Map.Entry<String, Path> handIn : handIns.entrySet()) {
            Path root = work.resolve("autograder-" + handIn.getKey());
            Files.createDirectories(root);
            Files.createSymbolicLink(root.resolve("source"), handIn.getKey().equals("rewritten") ? rewrittenSource
                    : source);
            Files.move(handIn.getValue(), root.resolve("submission"), StandardCopyOption.ATOMIC_MOVE);
            Files.createDirectories(root.resolve("results"));
            ProcessBuilder run = new ProcessBuilder("bash", root.resolve("source/run_autograder").toString())
                    .redirectErrorStream(true).redirectOutput(root.resolve("log.txt").toFile());
            run.environment().put("AUTOGRADER_ROOT", root.toString());
            run.environment().put("TRANSFER_GRADER_CLASSPATH", classPath);
            runs.put(handIn.getKey(), run.start());
        }
        // Once bash runs a command of the script (it has forked), it has read the script's last line.
        Process rewritten = runs.get("rewritten");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2))
                .until(() -> !rewritten.isAlive() || rewritten.descendants().findAny().isPresent());
        // Rewritten in place (the same file, as bash holds it open): at whatever offset bash would read
        // on, whole lines that write a full score follow.
        String fullScore = "echo '{\"score\": 19, \"output\": \"rewritten\"}' "
                + "> \"$AUTOGRADER_ROOT/results/results.json\"\n";
        Files.writeString(rewrittenSource.resolve("run_autograder"), fullScore.repeat(2000), StandardCharsets.UTF_8);
        for (Map.Entry<String, Process> run : runs.entrySet()) {
            Path root = work.resolve("autograder-" + run.getKey());
            assertThat(run.getValue().waitFor(600, TimeUnit.SECONDS)).as("run_autograder of " + run.getKey()
                    + " ended").isTrue();
            assertThat(run.getValue().exitValue()).as(Files.readString(root.resolve("log.txt"))).isZero();
        }

        JsonNode java = results("java");
        assertThat(java.get("score").asDouble()).as(java.toPrettyString()).isEqualTo(19);
        JsonNode python = results("python");
        assertThat(python.get("score").asDouble()).as(python.toPrettyString()).isEqualTo(19);
        JsonNode unfinished = results("unfinished");
        assertThat(unfinished.get("score").asDouble()).isLessThan(19);
        assertThat(unfinished.get("output").asText()).doesNotContain("did not build", "did not start");
        JsonNode broken = results("broken");
        assertThat(broken.get("score").asDouble()).isZero();
        assertThat(broken.get("output").asText()).startsWith("The hand-in did not build (Java (a student tree)):")
                .contains("UploadServerCommand.java:").contains("error: ';' expected");
        // Issue 18's red-team case: a server that rewrites the running run_autograder (bash reads a
        // script as it goes) and writes results.json itself gets its own grade, and the zip's files
        // are as they were.
        JsonNode rewrittenResults = results("rewritten");
        assertThat(rewrittenResults.get("score").asDouble()).as(rewrittenResults.toPrettyString())
                .isEqualTo(unfinished.get("score").asDouble());
        assertThat(rewrittenResults.toString()).doesNotContain("\"rewritten\"");
        List<JsonNode> all = new ArrayList<>(List.of(java, python, unfinished, broken, rewrittenResults));
        if (attackConfined) {
            JsonNode attack = results("attack");
            assertThat(Files.readString(work.resolve("autograder-attack/results/output.txt")))
                    .contains("redteam-attack: run_autograder found:");
            assertThat(attack.get("score").asDouble()).as(attack.toPrettyString()).isLessThan(19);
            assertThat(attack.toString()).doesNotContain("redteam-attack: full marks");
            all.add(attack);
        }
        assertThat(digest(source)).as("the unzipped autograder after the gradings").isEqualTo(sourceBefore);
        for (JsonNode results : all) {
            assertThat(results.get("tests")).hasSize(8); // U1-U5, U8, U10, U14: every student the same maximum
            double max = 0;
            for (JsonNode test : results.get("tests")) {
                max += test.get("max_score").asDouble();
            }
            assertThat(max).isEqualTo(19);
        }
        if (isRoot()) {
            // The unfinished starter prints its uid when it starts; its failed tests' timelines show it.
            assertThat(Files.readString(work.resolve("autograder-unfinished/results/output.txt")))
                    .contains("running as uid 65534").doesNotContain("running as uid 0");
        }
    }

    /** Every file under {@code folder} with its bytes' hash, one line each: equal strings, unchanged files. */
    private static String digest(Path folder) throws Exception {
        StringBuilder lines = new StringBuilder();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                lines.append(folder.relativize(file)).append(' ').append(java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))))
                        .append('\n');
            }
        }
        return lines.toString();
    }

    /** results.json of one run, checked against Gradescope's documented schema. */
    private JsonNode results(String handIn) throws IOException {
        JsonNode results = JSON.readTree(work.resolve("autograder-" + handIn).resolve("results/results.json")
                .toFile());
        assertThat(results.get("score").isNumber()).isTrue();
        assertThat(results.get("execution_time").isNumber()).isTrue();
        assertThat(results.get("output").isTextual()).isTrue();
        assertThat(results.get("visibility").asText()).isIn("visible", "hidden", "after_due_date",
                "after_published");
        assertThat(results.get("tests").isArray()).isTrue();
        for (JsonNode test : results.get("tests")) {
            assertThat(test.get("name").isTextual()).isTrue();
            assertThat(test.get("number").isTextual()).isTrue();
            assertThat(test.get("score").isNumber()).isTrue();
            assertThat(test.get("max_score").isNumber()).isTrue();
            assertThat(test.get("status").asText()).isIn("passed", "failed");
            assertThat(test.get("output").isTextual()).isTrue();
            assertThat(test.get("visibility").asText()).isIn("visible", "hidden", "after_due_date",
                    "after_published");
            assertThat(test.get("score").asDouble()).isBetween(0.0, test.get("max_score").asDouble());
        }
        return results;
    }

    private static List<String> unzip(Path zip, Path into) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
                Path target = into.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(into)).as(entry.getName()).isTrue();
                Files.createDirectories(target.getParent());
                Files.copy(in, target);
            }
        }
        // What setup.sh does on Gradescope: make the scripts executable, and everything readable.
        try (Stream<Path> walk = Files.walk(into)) {
            for (Path path : walk.toList()) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path)
                        || path.endsWith("transfer") ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return names;
    }

    /** This build's grader class path, copied where any user can read it (~/.m2 is root's only). */
    private static String readableCopyOfTheGradersClassPath(Path into) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (Path entry : HandIn.classPath()) {
            if (!Files.exists(entry) || entry.getFileName().toString().startsWith("surefirebooter")) {
                continue; // Surefire's manifest-only jar: HandIn.classPath() gave what it names
            }
            Path copy = into.resolve(Integer.toString(n++));
            if (Files.isDirectory(entry)) {
                HandIn.copyRegularFiles(entry, copy);
                entries.add(copy.toString());
            } else {
                Files.createDirectories(copy);
                try (InputStream in = Files.newInputStream(entry)) {
                    Files.copy(in, copy.resolve(entry.getFileName()));
                }
                entries.add(copy.resolve(entry.getFileName()).toString());
            }
        }
        try (Stream<Path> walk = Files.walk(into)) {
            for (Path path : walk.toList()) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path)
                        ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
