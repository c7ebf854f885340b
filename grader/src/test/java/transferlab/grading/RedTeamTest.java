package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import transferlab.grading.report.GradescopeReport;
import transferlab.grading.report.HtmlReport;
import transferlab.grading.report.JUnitXmlReport;
import transferlab.grading.program.Sandbox;
import transferlab.grading.report.TerminalReport;
import transferlab.testkit.LeftFiles;
import transferlab.testkit.PythonPrograms;

/**
 * Issue 18's red team: each program of tests/python/attacks tries to get a better grade than it
 * earns, and is graded through the real runner, with its reports written as {@code ./transfer
 * check} writes them. For each, whatever it tries:
 * <ul>
 *   <li>the grade is not inflated (no more than the attack's honest grade);</li>
 *   <li>no file outside its directory changed (the kit's {@code transfer}, a canary file);</li>
 *   <li>the reports are valid (the JUnit XML parses, results.json reads) and stay as written after
 *       the grader returned;</li>
 *   <li>nothing of the attack is left running (its processes carry {@code REDTEAM_CASE=<id>} in
 *       their environment, daemons and their children included);</li>
 *   <li>the run keeps to its time limit.</li>
 * </ul>
 * Graded with the default options ({@code --sandbox auto}): boxed where bubblewrap works, which
 * CI installs. The attack only a box can stop (editing the kit) runs only boxed ({@code --sandbox
 * required}) and is skipped, saying why, where bubblewrap does not work.
 */
@Execution(ExecutionMode.CONCURRENT) // each case is one grading run that mostly waits: side by side
class RedTeamTest {
    static final Path KIT_LAUNCHER = PythonPrograms.DIRECTORY.resolve("../../transfer").normalize();
    /** Every case's grading run must end within this (each is graded on a few tests). */
    static final Duration TIME_LIMIT = Duration.ofSeconds(60);

    /**
     * One attack: what is graded (protocol, command lines), on which requirements and tests, the most
     * it may honestly score (its honest grade), and what else its report must show.
     */
    record Attack(String name, Protocol protocol, String serverCommand, String clientCommand, Set<String> only,
                  String tests, double honestScore, boolean needsSandbox, Consumer<Graded> alsoCheck) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A case's outcome and its reports, for the checks of one attack. */
    record Graded(CheckResult result, String terminal, Map<Path, String> reports) {
    }

    static String attack(String program) {
        return PythonPrograms.interpreter() + " " + PythonPrograms.DIRECTORY.resolve("attacks").resolve(program);
    }

    static Stream<Attack> attacks() {
        String upload = "{host} {port} {file}";
        return Stream.of(
                new Attack("an upload client copies {file} into ../received without connecting", Protocol.UPLOAD,
                        null, attack("upload_client_copies_file.py") + " " + upload, Set.of(),
                        "oneFileArrivesIntact.*|eightClientsAtOnce.*", 0, false, graded -> { }),
                new Attack("a ranged client copies from the reference server's directory", Protocol.RANGED, null,
                        attack("ranged_client_copies_reference.py") + " {address} {threads} {file} {ofile}",
                        Set.of("R6"), "eightDownloadsAtOnce.*", 0, false, graded -> { }),
                new Attack("an ft client asks over its socket but copies from the reference server's directory",
                        Protocol.FT, null,
                        attack("ft_client_copies_reference.py") + " {host} {port} {request} {dataport}",
                        Set.of("F21", "F25"), "getLeaves.*", 0, false, graded -> { }),
                new Attack("an update client copies its queue from the reference server's outbox", Protocol.UPDATE,
                        null, attack("update_client_copies_reference.py") + " {host} {port} {id} {dir}",
                        Set.of("D4"), "aQueuedFileIsStored.*|everyQueuedFile.*", 0, false, graded -> { }),
                new Attack("--pair: the client finds the server's {dir} in /proc/*/cmdline", Protocol.UPDATE,
                        attack("pair_server_accepts_and_closes.py") + " {port} {dir}",
                        attack("pair_client_reads_cmdline.py") + " {host} {port} {id} {dir}", Set.of(),
                        "everyQueuedFile.*|twoClientsAtOnce.*", 0, false, graded -> { }),
                new Attack("a failing server leaves a daemon that rewrites the reports", Protocol.UPLOAD,
                        attack("server_daemon_rewrites_reports.py") + " {port} {dir}", null, Set.of("U3"),
                        "seedUploadIsStoredWhole", 0, false, graded -> { }),
                new Attack("the server edits the kit's transfer launcher", Protocol.UPLOAD,
                        attack("server_edits_the_kit.py") + " {port} {dir}", null, Set.of("U3"),
                        "seedUploadIsStoredWhole", 0, true, graded -> { }),
                new Attack("{dir}/NAME -> /dev/zero", Protocol.UPLOAD,
                        attack("server_stores_dev_zero_links.py") + " {port} {dir}", null, Set.of("U3"),
                        "seedUploadIsStoredWhole|contentSplitIntoSmallPieces.*", 0, false,
                        graded -> assertThat(graded.terminal()).contains("symbolic link")),
                new Attack("named pipes under the expected names", Protocol.UPLOAD,
                        attack("server_stores_named_pipes.py") + " {port} {dir}", null, Set.of("U3"),
                        "seedUploadIsStoredWhole|contentSplitIntoSmallPieces.*", 0, false,
                        graded -> assertThat(graded.terminal()).contains("not a regular file")),
                new Attack("the server prints the reference solution", Protocol.UPLOAD,
                        attack("server_prints_the_reference.py") + " {port} {dir}", null, Set.of("U3"),
                        "seedUploadIsStoredWhole", 0, false, RedTeamTest::referenceNotWhole),
                new Attack("one 50 MB output line", Protocol.UPLOAD,
                        attack("server_prints_a_huge_line.py") + " {port} {dir}", null, Set.of("U3"),
                        "seedUploadIsStoredWhole", 0, false, graded -> { }),
                new Attack("escapes, NUL, U+FFFE, invalid UTF-8 and a fake verdict", Protocol.UPLOAD,
                        attack("server_prints_escapes.py") + " {port} {dir}", null, Set.of("U3"),
                        "seedUploadIsStoredWhole", 0, false, RedTeamTest::noForgedVerdict),
                new Attack("a correct server that leaves 150 processes", Protocol.UPLOAD,
                        attack("server_leaves_processes.py") + " {port} {dir}", null, Set.of("U3"),
                        "seedUploadIsStoredWhole", 4, false,
                        graded -> assertThat(graded.result().requirements(Verdict.PASS))
                                .as("a correct server keeps its honest grade").containsExactly("U3")));
    }

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void theAttackGetsNoMoreThanItsHonestGradeAndLeavesNothingBehind(Attack attack) throws Exception {
        PythonPrograms.assumePython();
        if (attack.needsSandbox()) {
            assumeTrue(Sandbox.unavailableReason().isEmpty(), "needs the sandbox (--sandbox required), and "
                    + Sandbox.unavailableReason().orElse("") + ": outside one this attack succeeds, and would "
                    + "change this checkout");
        }
        String caseId = UUID.randomUUID().toString();
        String mark = "REDTEAM_CASE=" + caseId + " ";
        Path canary = Files.writeString(work.resolve("canary.txt"), "a file outside every graded directory\n");
        Map<Path, String> before = checksums(List.of(canary, KIT_LAUNCHER));
        Path reports = Files.createDirectories(work.resolve("redteam-reports-" + caseId));
        CheckPlan.TargetSpec target = attack.serverCommand() != null && attack.clientCommand() != null
                ? CheckPlan.TargetSpec.pair(mark + attack.serverCommand(), mark + attack.clientCommand())
                : attack.serverCommand() != null ? CheckPlan.TargetSpec.serverCommand(mark + attack.serverCommand())
                : CheckPlan.TargetSpec.clientCommand(mark + attack.clientCommand());
        CheckPlan plan = new CheckPlan(attack.protocol(), target, false, 1, PointsTable.defaults(), attack.only(),
                false, null, 1, TIME_LIMIT, transferlab.grading.program.Network.DIRECT, List.of(),
                // The defaults (--sandbox auto), but never an unboxed run of an attack only a box stops.
                new Sandbox.Policy(attack.needsSandbox() ? Sandbox.Mode.REQUIRED : Sandbox.Mode.AUTO, List.of()))
                .withTests(attack.tests());

        long started = System.nanoTime();
        CheckResult result = SuiteRunner.run(plan);
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        TerminalReport.print(result, new PrintStream(terminal, true, StandardCharsets.UTF_8));
        Path xml = reports.resolve("junit.xml");
        Path json = reports.resolve("results.json");
        Path html = reports.resolve("report.html");
        JUnitXmlReport.write(result, xml);
        GradescopeReport.write(result, json);
        HtmlReport.write(result, html);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String printed = terminal.toString(StandardCharsets.UTF_8);

        assertThat(result.score()).as("the attack's score; the report:%n%s", printed)
                .isLessThanOrEqualTo(attack.honestScore());
        assertThat(took).as("the grading run with its reports").isLessThan(TIME_LIMIT.plusSeconds(10));
        assertThat(DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile())
                .getDocumentElement().getTagName()).isEqualTo("testsuite");
        assertThat(new ObjectMapper().readTree(json.toFile()).path("score").asDouble())
                .isEqualTo(result.score());
        Map<Path, String> written = checksums(List.of(xml, json, html));
        await("the reports stay as the grader wrote them").during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3)).until(() -> checksums(List.of(xml, json, html)).equals(written));
        assertThat(checksums(List.of(canary, KIT_LAUNCHER))).as("files outside the graded directories")
                .isEqualTo(before);
        assertThat(processesOf(caseId)).as("processes of the attack still running after the grader returned")
                .isEmpty();
        for (Path report : List.of(xml, json, html)) {
            assertThat(Files.size(report)).as("the size of %s", report.getFileName()).isLessThan(1 << 20);
        }
        attack.alsoCheck().accept(new Graded(result, printed, Map.of(xml, Files.readString(xml),
                json, Files.readString(json), html, Files.readString(html))));
    }

    /**
     * The wire alone, without the box: an ft client that sends its request but copies the file from
     * our server's directory (unboxed, it can see it) gets nothing for it, since our server never
     * sent that file over a data connection. (Before the data connections counted, it scored 4/4.)
     */
    @org.junit.jupiter.api.Test
    void unboxedAnFtClientThatCopiesTheServedFileStillGetsNothing() {
        PythonPrograms.assumePython();
        CheckPlan plan = new CheckPlan(Protocol.FT, CheckPlan.TargetSpec.clientCommand(
                attack("ft_client_copies_reference.py") + " {host} {port} {request} {dataport}"), true, 1,
                PointsTable.defaults(), Set.of("F21", "F25"), false, null, 1, TIME_LIMIT,
                transferlab.grading.program.Network.DIRECT, List.of(), new Sandbox.Policy(Sandbox.Mode.OFF, List.of()))
                .withTests("getLeaves.*");

        CheckResult result = SuiteRunner.run(plan);

        assertThat(result.requirements(Verdict.FAIL)).as("the report:%n%s", MutantsAreCaughtTest.report(result))
                .containsExactlyInAnyOrder("F21", "F25");
        assertThat(result.score()).isZero();
    }

    /** The whole of the kit's UploadHandler.java is in no report: at most the last lines of a failed test. */
    static void referenceNotWhole(Graded graded) {
        Path source = PythonPrograms.DIRECTORY.resolve(
                "../../single-client/src/main/java/transferlab/upload/UploadHandler.java").normalize();
        try {
            List<String> lines = Files.readAllLines(source).stream().filter(line -> !line.isBlank()).toList();
            assertThat(lines.size()).as("lines of %s", source).isGreaterThan(60);
            String all = graded.terminal() + String.join("", graded.reports().values());
            long shown = lines.stream().filter(line -> all.contains(line.strip())).count();
            assertThat(shown).as("lines of the reference UploadHandler.java in the reports").isLessThan(lines.size());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One score line, the grader's; the fake verdict only as quoted, escaped text. */
    static void noForgedVerdict(Graded graded) {
        assertThat(graded.terminal()).doesNotContain("\u001b", "\r", "\u0000", "\uFFFE", "\uFFFF", "\u202E");
        assertThat(graded.terminal().lines().filter(line -> line.startsWith("Score:"))).hasSize(1);
        assertThat(graded.terminal().lines().filter(line -> line.contains("Ready to hand in")))
                .allMatch(line -> line.startsWith("  "));
        for (String report : graded.reports().values()) {
            assertThat(report).doesNotContain("\u001b", "\u0000", "\uFFFE", "\uFFFF");
        }
    }

    private static Map<Path, String> checksums(List<Path> files) throws IOException {
        Map<Path, String> sums = new LinkedHashMap<>();
        for (Path file : files) {
            sums.put(file, LeftFiles.sha256(file));
        }
        return sums;
    }

    /** The processes whose environment carries the case's mark: the attack and everything it started. */
    private static List<String> processesOf(String caseId) {
        byte[] mark = ("REDTEAM_CASE=" + caseId).getBytes(StandardCharsets.UTF_8);
        List<String> alive = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(process -> {
            try {
                byte[] environment = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "environ"));
                String text = new String(environment, StandardCharsets.ISO_8859_1);
                if (text.contains(new String(mark, StandardCharsets.ISO_8859_1))) {
                    alive.add(process.pid() + " " + process.info().commandLine().orElse("?"));
                }
            } catch (IOException | SecurityException gone) {
                // exited meanwhile, or not ours
            }
        });
        return alive;
    }
}
