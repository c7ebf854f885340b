package transferlab.grading.classroom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The class at a glance, from every student's summary: {@code grades.csv} (one row per student:
 * points per requirement, total, maximum, seconds, status, the reason) and {@code index.html} (the
 * score distribution; per requirement how many failed, each linking to those students' reports;
 * every student's line). The page has no scripts and no external files: it opens from disk.
 */
final class ClassReport {
    static final String CSV = "grades.csv";
    static final String PAGE = "index.html";

    private ClassReport() {
    }

    static void write(List<SubmissionSummary> summaries, String stage, Path out) throws IOException {
        List<SubmissionSummary> sorted = summaries.stream().sorted(Comparator.comparing(SubmissionSummary::student))
                .toList();
        Set<String> requirements = requirements(sorted);
        Files.writeString(out.resolve(CSV), csv(sorted, requirements), StandardCharsets.UTF_8);
        Files.writeString(out.resolve(PAGE), page(sorted, requirements, stage), StandardCharsets.UTF_8);
    }

    /** Every requirement any student was graded on, in the order the gradings listed them. */
    private static Set<String> requirements(List<SubmissionSummary> summaries) {
        Set<String> ids = new LinkedHashSet<>();
        summaries.forEach(summary -> ids.addAll(summary.maxPoints().keySet()));
        return ids;
    }

    static String csv(List<SubmissionSummary> summaries, Set<String> requirements) {
        StringBuilder csv = new StringBuilder("student");
        requirements.forEach(id -> csv.append(',').append(id));
        csv.append(",total,max,seconds,status,reason\n");
        for (SubmissionSummary summary : summaries) {
            csv.append(field(summary.student()));
            requirements.forEach(id -> csv.append(',').append(summary.maxPoints().containsKey(id)
                    ? number(summary.points().getOrDefault(id, 0.0)) : ""));
            csv.append(',').append(number(summary.score())).append(',').append(number(summary.maxScore()))
                    .append(',').append(String.format(Locale.ROOT, "%.1f", summary.seconds()))
                    .append(',').append(summary.status()).append(',')
                    .append(field(summary.headline()))
                    .append('\n');
        }
        return csv.toString();
    }

    private static String page(List<SubmissionSummary> summaries, Set<String> requirements, String stage) {
        StringBuilder html = new StringBuilder();
        String title = stage + ": " + summaries.size() + " students, median " + median(summaries);
        html.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>%s</title>
                <style>
                body { font-family: sans-serif; margin: 2em; max-width: 70em; }
                table { border-collapse: collapse; } td, th { padding: 0.2em 0.6em; text-align: left; }
                td.bar span { display: inline-block; height: 0.9em; background: #4a7bd0; }
                tr.graded td.status { color: #176117; } tr.problem td.status { color: #a11; font-weight: bold; }
                </style></head><body>
                """.formatted(SubmissionGrading.escape(title)));
        html.append("<h1>").append(SubmissionGrading.escape(title)).append("</h1>\n");
        html.append("<h2>Score distribution</h2>\n<table class=\"distribution\">\n");
        Map<Double, List<SubmissionSummary>> byScore = new TreeMap<>(Comparator.reverseOrder());
        summaries.forEach(summary -> byScore.computeIfAbsent(summary.score(), score -> new ArrayList<>()).add(summary));
        byScore.forEach((score, students) -> html.append("<tr><td class=\"score\">").append(number(score))
                .append("</td><td class=\"count\">").append(students.size()).append("</td><td class=\"bar\"><span style=\"width:")
                .append(students.size() * 2).append("em\"></span></td></tr>\n"));
        html.append("</table>\n<h2>Failed, per requirement</h2>\n<table class=\"requirements\">\n"
                + "<tr><th>requirement</th><th>failed</th><th>students</th></tr>\n");
        for (String id : requirements) {
            List<SubmissionSummary> failed = summaries.stream().filter(summary -> summary.maxPoints().containsKey(id)
                    && summary.points().getOrDefault(id, 0.0) < summary.maxPoints().get(id)).toList();
            html.append("<tr id=\"").append(id).append("\"><td>").append(id).append("</td><td class=\"failed\">")
                    .append(failed.size()).append("</td><td>");
            failed.forEach(summary -> html.append(link(summary)).append(' '));
            html.append("</td></tr>\n");
        }
        html.append("</table>\n<h2>Students</h2>\n<table class=\"students\">\n"
                + "<tr><th>student</th><th>score</th><th>status</th><th>seconds</th><th>reason</th></tr>\n");
        for (SubmissionSummary summary : summaries) {
            html.append("<tr class=\"").append(summary.status().equals(SubmissionSummary.GRADED) ? "graded" : "problem")
                    .append("\"><td>").append(link(summary)).append("</td><td>").append(number(summary.score()))
                    .append('/').append(number(summary.maxScore())).append("</td><td class=\"status\">")
                    .append(summary.status()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f", summary.seconds())).append("</td><td>")
                    .append(SubmissionGrading.escape(summary.headline()))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n</body></html>\n");
        return html.toString();
    }

    private static String link(SubmissionSummary summary) {
        String name = SubmissionGrading.escape(summary.student());
        return "<a href=\"" + java.net.URLEncoder.encode(summary.student(), StandardCharsets.UTF_8).replace("+", "%20")
                + "/report.html\">" + name + "</a>";
    }

    /** The median score as "17/19", or "-" for an empty class. */
    static String median(List<SubmissionSummary> summaries) {
        if (summaries.isEmpty()) {
            return "-";
        }
        List<Double> scores = summaries.stream().map(SubmissionSummary::score).sorted().toList();
        double max = summaries.stream().mapToDouble(SubmissionSummary::maxScore).max().orElse(0);
        return number(scores.get((scores.size() - 1) / 2)) + "/" + number(max);
    }

    static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break. */
    private static String field(String text) {
        return text.matches("[^,\"\\r\\n]*") ? text : "\"" + text.replace("\"", "\"\"") + "\"";
    }
}
