package transferlab.grading.classroom;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import transferlab.grading.CheckCommandLine;
import transferlab.grading.PointsTable;
import transferlab.grading.program.Sandbox;
import transferlab.grading.stage.StageCheck;
import transferlab.grading.stage.StageProfile;

/**
 * Grades a class: every subfolder of SUBMISSIONS (one student's repository or hand-in), J at a
 * time, each in a JVM of its own and, where the machine allows, a network namespace of its own;
 * then the class's {@code grades.csv} and {@code index.html}.
 *
 * <pre>
 *   $ ./transfer check-class submissions --stage stage1 --jobs 4 --out grades
 *   check-class: 12 submissions, 12 to grade, 4 at a time; each in a network namespace of its own
 *   [ 1/12] alice      19/19  graded          9.8 s
 *   [ 2/12] bob         0/19  did not build   1.9 s  javac: Server.java:12: error: ';' expected
 *   ...
 *   grades/grades.csv, grades/index.html: 12 students, median 17/19 (31.2 s)
 * </pre>
 * A second run skips the students already graded (their summary.json) unless {@code --regrade}.
 * {@code --single} grades SUBMISSIONS as one hand-in into OUT: what each job runs, and what the
 * Gradescope autograder runs. resources/grading.md ("Grading a class") explains the rest.
 */
@Command(name = "check-class", mixinStandardHelpOptions = true,
        description = {"Grade every subfolder of SUBMISSIONS (one student each) for a stage, J at a time; write "
                + "OUT/<student>/ (results.json, junit.xml, report.html, output.txt), OUT/grades.csv and "
                + "OUT/index.html.",
            "A hand-in is a student tree (pom.xml and transfer), the Python starters (python/STAGE/...), or "
                    + "anything the --cmd templates run ({submission}: its folder)."},
        footer = {"", "Examples:",
            "  ./transfer check-class submissions --stage stage1 --jobs 4 --out grades",
            "  ./transfer check-class submissions --stage stage1 --out grades \\",
            "      --cmd upload-server=\"{submission}/server {port} {dir}\"",
            "  ./transfer check-class HAND-IN --single --stage stage1 --out results"})
public final class ClassCheckCommand implements Callable<Integer> {
    /** How long one submission may take beyond its parts' time limits: the build, the JVMs. */
    static final Duration MARGIN = Duration.ofMinutes(12);

    @Parameters(index = "0", paramLabel = "SUBMISSIONS",
            description = "a folder with one subfolder per student (with --single: one hand-in)")
    Path submissions;

    @Option(names = "--stage", required = true, paramLabel = "STAGE", description = "stage1, stage2 or stage3")
    String stage;

    @Option(names = "--out", required = true, paramLabel = "GRADES", description = "where the grades go")
    Path out;

    @Option(names = "--jobs", paramLabel = "J", defaultValue = "2",
            description = "submissions graded at once (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--regrade", description = "grade again the students already graded in OUT")
    boolean regrade;

    @Option(names = "--single", description = "SUBMISSIONS is one hand-in; its reports go straight into OUT")
    boolean single;

    @Option(names = "--cmd", paramLabel = "PART=TEMPLATE",
            description = "another language: a part's command, {submission} for the hand-in's folder")
    Map<String, String> templates = new LinkedHashMap<>();

    @Option(names = "--points", paramLabel = "FILE", description = "points file (default: the built-in one)")
    Path pointsFile;

    @Option(names = "--profiles", paramLabel = "FILE", description = "stage profiles (default: the built-in ones)")
    Path profilesFile;

    @Option(names = "--timeout-factor", paramLabel = "F", defaultValue = "1",
            description = "multiply every timeout of the suite by F (default: ${DEFAULT-VALUE})")
    double timeoutFactor;

    @Option(names = "--time-limit", paramLabel = "SECONDS",
            description = "per part of the stage (default: 300 x the timeout factor)")
    Long timeLimitSeconds;

    @Option(names = "--tests", paramLabel = "REGEX", hidden = true,
            description = "only the contract tests whose method name matches (the kit's own tests)")
    String tests;

    @Option(names = "--hide", paramLabel = "DIR", hidden = true,
            description = "with --single: a folder the graded programs must not see; a class grading hides its "
                    + "submissions and grades folders from each student's programs")
    List<Path> hidden = new ArrayList<>();

    @Option(names = "--tests-at-once", paramLabel = "N", defaultValue = "4",
            description = "contract tests of one submission run at once, each with its own server "
                    + "(default: ${DEFAULT-VALUE}; 1: one after another)")
    int testsAtOnce;

    @Option(names = "--visibility", paramLabel = "WHEN", defaultValue = "visible",
            description = "results.json's visibility: visible, hidden, after_due_date, after_published")
    String visibility;

    @Option(names = "--network-namespace", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (one per submission where the machine allows) or off")
    String networkNamespace;

    @Override
    public Integer call() throws Exception {
        StageProfile profile = StageProfile.load(stage, profilesFile);
        PointsTable points = pointsFile == null ? PointsTable.defaults() : PointsTable.load(pointsFile);
        PrintStream terminal = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (single) {
            SubmissionGrading.Settings settings = new SubmissionGrading.Settings(profile, points, templates,
                    timeoutFactor, timeLimitSeconds == null ? null : Duration.ofSeconds(timeLimitSeconds), visibility,
                    tests == null ? null : java.util.regex.Pattern.compile(tests), testsAtOnce,
                    new Sandbox.Policy(Sandbox.Mode.AUTO, hidden));
            SubmissionSummary summary = SubmissionGrading.grade(submissions.getFileName().toString(), submissions, out,
                    settings);
            terminal.println(line(summary));
            return CheckCommandLine.OK;
        }
        return gradeClass(terminal);
    }

    private int gradeClass(PrintStream terminal) throws IOException, InterruptedException {
        List<Path> students;
        try (Stream<Path> entries = Files.list(submissions)) {
            students = entries.filter(entry -> Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
                    .filter(entry -> !entry.getFileName().toString().startsWith(".")).sorted().toList();
        }
        Files.createDirectories(out);
        List<Path> toGrade = students.stream().filter(student -> regrade
                || SubmissionSummary.read(out.resolve(student.getFileName())).isEmpty()).toList();
        NetworkNamespace namespace = networkNamespace.equals("off") ? NetworkNamespace.none()
                : NetworkNamespace.probe();
        terminal.printf(Locale.ROOT, "check-class: %d submissions, %d to grade, %d at a time; %s%n",
                students.size(), toGrade.size(), jobs, namespace.available()
                        ? "each in a network namespace of its own"
                        : "no network namespace (needs root or unprivileged user namespaces): all share loopback");
        long started = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
        List<Future<?>> gradings = new ArrayList<>();
        for (Path student : toGrade) {
            gradings.add(pool.submit(() -> {
                SubmissionSummary summary = gradeInChild(student, namespace);
                synchronized (terminal) {
                    terminal.printf(Locale.ROOT, "[%2d/%d] %s%n", done.incrementAndGet(), toGrade.size(),
                            line(summary));
                }
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> grading : gradings) {
            try {
                grading.get();
            } catch (java.util.concurrent.ExecutionException e) {
                terminal.println("check-class: a grading failed: " + e.getCause());
            }
        }
        List<SubmissionSummary> summaries = new ArrayList<>();
        for (Path student : students) {
            SubmissionSummary.read(out.resolve(student.getFileName())).ifPresent(summaries::add);
        }
        ClassReport.write(summaries, stage, out);
        terminal.printf(Locale.ROOT, "%s, %s: %d students, median %s (%.1f s)%n", out.resolve(ClassReport.CSV),
                out.resolve(ClassReport.PAGE), summaries.size(), ClassReport.median(summaries),
                (System.nanoTime() - started) / 1e9);
        return CheckCommandLine.OK;
    }

    /** One student graded by a JVM of its own (in its own network namespace when available). */
    private SubmissionSummary gradeInChild(Path student, NetworkNamespace namespace)
            throws IOException, InterruptedException {
        String name = student.getFileName().toString();
        Path studentOut = out.resolve(name);
        Files.createDirectories(studentOut);
        Files.deleteIfExists(studentOut.resolve(SubmissionSummary.FILE));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-D" + StageCheck.KIT_PROPERTY + "=" + StageCheck.kitRoot(), "-cp",
                String.join(File.pathSeparator, HandIn.classPath().stream().map(Path::toString).toList()),
                ClassCheckCommand.class.getName(), student.toAbsolutePath().toString(), "--single",
                "--stage", stage, "--out", studentOut.toAbsolutePath().toString(),
                "--timeout-factor", Double.toString(timeoutFactor), "--visibility", visibility,
                "--tests-at-once", Integer.toString(testsAtOnce),
                // Another student's hand-in and reports are not this student's programs' business.
                "--hide", submissions.toAbsolutePath().toString(), "--hide", out.toAbsolutePath().toString()));
        templates.forEach((part, template) -> command.addAll(List.of("--cmd", part + "=" + template)));
        if (pointsFile != null) {
            command.addAll(List.of("--points", pointsFile.toAbsolutePath().toString()));
        }
        if (profilesFile != null) {
            command.addAll(List.of("--profiles", profilesFile.toAbsolutePath().toString()));
        }
        if (timeLimitSeconds != null) {
            command.addAll(List.of("--time-limit", timeLimitSeconds.toString()));
        }
        if (tests != null) {
            command.addAll(List.of("--tests", tests));
        }
        long started = System.nanoTime();
        Process process = new ProcessBuilder(namespace.wrap(command)).redirectErrorStream(true)
                .redirectOutput(studentOut.resolve("grader.log").toFile()).start();
        if (!process.waitFor(limit().toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            SubmissionSummary timedOut = new SubmissionSummary(name, "", SubmissionSummary.TIMED_OUT,
                    "The grading did not end within " + limit().toSeconds() + " s and was stopped", Map.of(),
                    Map.of(), 0, 0, (System.nanoTime() - started) / 1e9);
            timedOut.write(studentOut);
            return timedOut;
        }
        return SubmissionSummary.read(studentOut).orElseGet(() -> {
            SubmissionSummary failed = new SubmissionSummary(name, "", SubmissionSummary.DID_NOT_START,
                    "The grader stopped with status " + process.exitValue() + " before it wrote a grade; see "
                            + studentOut.resolve("grader.log"), Map.of(), Map.of(), 0, 0,
                    (System.nanoTime() - started) / 1e9);
            try {
                failed.write(studentOut);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return failed;
        });
    }

    /** The whole submission's limit: each part's time limit, plus the build and the JVMs. */
    private Duration limit() {
        long perPart = timeLimitSeconds != null ? timeLimitSeconds : Math.round(300 * timeoutFactor);
        return Duration.ofSeconds(perPart * StageProfile.load(stage, profilesFile).parts().size()).plus(MARGIN);
    }

    /** A student's line on the terminal. */
    static String line(SubmissionSummary summary) {
        String reason = summary.headline();
        return String.format(Locale.ROOT, "%-12s %5s/%-3s %-14s %5.1f s%s", summary.student(),
                ClassReport.number(summary.score()), ClassReport.number(summary.maxScore()), summary.status(),
                summary.seconds(), reason.isEmpty() ? "" : "  " + reason);
    }

    public static void main(String[] args) {
        System.exit(CheckCommandLine.run(new ClassCheckCommand(), args));
    }
}
