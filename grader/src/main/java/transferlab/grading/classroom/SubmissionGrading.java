package transferlab.grading.classroom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import transferlab.grading.CheckResult;
import transferlab.grading.PointsTable;
import transferlab.grading.RequirementVerdict;
import transferlab.grading.TestOutcome;
import transferlab.grading.Verdict;
import transferlab.grading.report.GradescopeReport;
import transferlab.grading.report.HtmlReport;
import transferlab.grading.report.JUnitXmlReport;
import transferlab.grading.stage.StageCheck;
import transferlab.grading.stage.StageProfile;
import transferlab.grading.program.Network;
import transferlab.grading.program.Sandbox;

/**
 * Grades one student's hand-in for one stage and writes its folder: {@code results.json}
 * (Gradescope's), {@code junit.xml}, {@code report.html}, {@code output.txt} (the terminal report
 * with the programs' lines, and the build's) and {@code summary.json} (its line of the class).
 * The same for check-class (one folder per student) and the Gradescope autograder (one hand-in).
 *
 * <p>When the hand-in does not build or its server does not start, that is the one top-level
 * reason: first in output.txt, in results.json's {@code output}, in report.html's heading and in
 * the class's CSV status, with the build's own lines (javac's, Python's SyntaxError) or the
 * server's last lines. Every requirement then fails with its points still in the maximum, so that
 * every student of a stage has the same maximum.
 */
public final class SubmissionGrading {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int REASON_LINES = 30;

    /**
     * What to grade with.
     *
     * @param templates  other languages: part to command line, {@code {submission}} the hand-in's folder
     * @param timeLimit  per part; null: the grader's default
     * @param visibility results.json's top-level visibility (Gradescope)
     * @param tests      only the contract tests whose method name matches (null: all); our own tests' speed-up
     * @param testsAtOnce contract tests run at once ({@code --tests-at-once})
     * @param sandbox    the box of every graded program, with the folders it hides (a class's submissions and
     *                   grades: {@code --hide})
     */
    public record Settings(StageProfile profile, PointsTable points, Map<String, String> templates,
                           double timeoutFactor, Duration timeLimit, String visibility, java.util.regex.Pattern tests,
                           int testsAtOnce, Sandbox.Policy sandbox) {
        public Settings {
            templates = Map.copyOf(templates);
        }
    }

    private SubmissionGrading() {
    }

    /** Grades {@code submission} into {@code out} (created), and returns its line of the class. */
    public static SubmissionSummary grade(String student, Path submission, Path out, Settings settings)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        Files.createDirectories(out);
        Path work = out.resolve("work");
        deleteTree(work);
        Files.createDirectories(work);
        HandIn.Build build = HandIn.build(submission, settings.profile(), settings.templates(), work);
        String status = SubmissionSummary.GRADED;
        String reason = "";
        CheckResult result;
        String report;
        if (!build.built()) {
            status = SubmissionSummary.DID_NOT_BUILD;
            reason = "The hand-in did not build (" + build.kind().description() + "):\n" + build.errors();
            result = everyRequirementFailed(settings, build, "not graded: the hand-in did not build\n"
                    + build.errors());
            report = "";
        } else {
            StageCheck.Result stage = StageCheck.run(settings.profile(), new StageCheck.Options(null, null,
                    build.commands(), false, settings.timeoutFactor(), settings.points(), 1, settings.timeLimit(),
                    Network.DIRECT, settings.tests(), List.of(), settings.testsAtOnce()), settings.sandbox());
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            StageCheck.print(stage, new PrintStream(text, true, StandardCharsets.UTF_8));
            report = text.toString(StandardCharsets.UTF_8);
            Optional<CheckResult> combined = stage.combined();
            if (combined.isEmpty()) {
                status = SubmissionSummary.DID_NOT_BUILD;
                reason = "Nothing of " + settings.profile().stage() + " could be graded in this hand-in ("
                        + build.kind().description() + "):\n" + report.strip();
                result = everyRequirementFailed(settings, build, reason);
            } else {
                result = combined.get();
                String stopped = result.stopped();
                if (stopped.startsWith("the server did not start")) {
                    status = SubmissionSummary.DID_NOT_START;
                    reason = "The server did not start:\n" + firstLines(didNotStartMessage(result, stopped));
                } else if (stopped.contains("time limit")) {
                    status = SubmissionSummary.TIMED_OUT;
                    reason = "The grading reached its time limit: " + stopped;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        writeReports(result, reason, report, build, out, settings);
        Map<String, Double> points = new LinkedHashMap<>();
        Map<String, Double> maxPoints = new LinkedHashMap<>();
        for (RequirementVerdict verdict : result.verdicts()) {
            if (verdict.maxScore() > 0) {
                points.merge(verdict.requirement(), verdict.score(), Double::sum);
                maxPoints.merge(verdict.requirement(), verdict.maxScore(), Double::sum);
            }
        }
        SubmissionSummary summary = new SubmissionSummary(student, build.kind().description(), status,
                reason, points, maxPoints, result.score(), result.maxScore(), Math.round(seconds * 10) / 10.0);
        summary.write(out);
        deleteTree(work);
        return summary;
    }

    /**
     * The verdicts a hand-in that could not run gets: every requirement the stage would grade,
     * failed, with {@code why}. The requirements and their maxima are the stage check's own, found
     * by a run that starts nothing (a time limit already reached), so they match a graded hand-in's.
     */
    private static CheckResult everyRequirementFailed(Settings settings, HandIn.Build build, String why) {
        Map<String, String> nothing = new LinkedHashMap<>();
        for (StageProfile.Part part : settings.profile().parts()) {
            if (!part.command().isBlank() || build.commands().containsKey(part.name())) {
                nothing.put(part.name(), "exit 1");
            }
        }
        CheckResult empty = runningNothing(settings.profile(), settings.points(), nothing, settings.tests())
                .combined().orElseThrow();
        List<RequirementVerdict> failed = new ArrayList<>();
        for (RequirementVerdict verdict : empty.verdicts()) {
            TestOutcome outcome = new TestOutcome("the build", List.of(verdict.requirement()), Verdict.FAIL, why, "",
                    Duration.ZERO, List.of());
            failed.add(new RequirementVerdict(verdict.rule(), verdict.maxScore() > 0 ? Verdict.FAIL
                    : verdict.verdict(), verdict.maxScore() > 0 ? List.of(outcome) : verdict.tests(), verdict.note()));
        }
        return new CheckResult(empty.protocol(), settings.profile().stage() + ": " + build.kind().description(),
                true, failed, 0, List.of(), List.of(), Duration.ZERO, 1, Map.of(), "");
    }

    /**
     * A stage check that starts nothing: its time limit is over before the first test, so every
     * test counts as failed and every part has its maximum, as a graded hand-in's.
     */
    static StageCheck.Result runningNothing(StageProfile profile, PointsTable points, Map<String, String> commands,
                                            java.util.regex.Pattern tests) {
        return runningNothing(profile, points, commands, tests, false);
    }

    private static StageCheck.Result runningNothing(StageProfile profile, PointsTable points,
                                                    Map<String, String> commands, java.util.regex.Pattern tests,
                                                    boolean withFt) {
        return StageCheck.run(profile, new StageCheck.Options(null, null, commands, withFt, 1, points, 1,
                Duration.ofMillis(1), Network.DIRECT, tests));
    }

    /**
     * Each part's maximum in a stage check of the kit's own commands, without running anything;
     * {@code withFt}: with the parts graded only with {@code --ft} (a student tree grades them
     * in stage 1).
     */
    public static Map<String, Double> maxima(StageProfile profile, PointsTable points, boolean withFt) {
        Map<String, String> nothing = new LinkedHashMap<>();
        profile.parts().forEach(part -> nothing.put(part.name(), "exit 1"));
        Map<String, Double> maxima = new LinkedHashMap<>();
        for (StageCheck.PartResult part : runningNothing(profile, points, nothing, null, withFt).parts()) {
            if (part.graded()) {
                maxima.put(part.part().name(), part.result().maxScore());
            }
        }
        return maxima;
    }

    /** The failure of the test the stop names: it says why the server did not start. */
    private static String didNotStartMessage(CheckResult result, String stopped) {
        String test = stopped.replaceFirst("^the server did not start in ", "").replaceFirst(",.*$", "");
        return result.verdicts().stream().flatMap(verdict -> verdict.failures().stream())
                .filter(outcome -> outcome.name().startsWith(test.replace("()", ""))).map(TestOutcome::message)
                .findFirst().orElse(stopped);
    }

    private static String firstLines(String text) {
        List<String> lines = text.strip().lines().toList();
        return String.join("\n", lines.subList(0, Math.min(lines.size(), REASON_LINES)))
                + (lines.size() > REASON_LINES ? "\n[... " + (lines.size() - REASON_LINES) + " more lines]" : "");
    }

    private static void writeReports(CheckResult result, String reason, String report, HandIn.Build build, Path out,
                                     Settings settings) throws IOException {
        Path results = out.resolve("results.json");
        GradescopeReport.write(result, results);
        ObjectNode json = (ObjectNode) JSON.readTree(results.toFile());
        // The reason first: it is what the student must fix before any requirement can pass.
        String summary = json.path("output").asText();
        json.put("output", reason.isEmpty() ? summary : reason + "\n\n" + summary);
        json.put("visibility", settings.visibility());
        JSON.writeValue(results.toFile(), json);
        JUnitXmlReport.write(result, out.resolve("junit.xml"));
        Path html = out.resolve("report.html");
        HtmlReport.write(result, html);
        if (!reason.isEmpty()) {
            String page = Files.readString(html, StandardCharsets.UTF_8);
            int heading = page.indexOf("</h1>");
            if (heading >= 0) {
                page = page.substring(0, heading + 5) + "\n<h2 class=\"reason\">" + escape(reason.lines().findFirst()
                        .orElse("")) + "</h2>\n<pre class=\"reason\">" + escape(reason) + "</pre>"
                        + page.substring(heading + 5);
                Files.writeString(html, page, StandardCharsets.UTF_8);
            }
        }
        StringBuilder output = new StringBuilder();
        if (!reason.isEmpty()) {
            output.append(reason).append("\n\n");
        }
        output.append("Hand-in: ").append(build.kind().description()).append("; built in ")
                .append(String.format(java.util.Locale.ROOT, "%.1f s", build.took().toMillis() / 1000.0))
                .append('\n');
        build.commands().forEach((part, command) -> output.append("  ").append(part).append(": ").append(command)
                .append('\n'));
        output.append(report);
        Files.writeString(out.resolve("output.txt"), output, StandardCharsets.UTF_8);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
