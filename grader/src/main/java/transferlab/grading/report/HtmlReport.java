package transferlab.grading.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import transferlab.grading.CheckResult;
import transferlab.grading.RequirementVerdict;
import transferlab.grading.TestOutcome;
import transferlab.grading.TimelineEvent;
import transferlab.grading.Verdict;

/**
 * {@code --html report.html}: one self-contained page a student opens in a browser. A table of the
 * requirements with verdict and points, then, per failed requirement, each failing test with what
 * was expected and what came, and the exchange as a timeline: the test's own actions and the
 * server's lines on one clock, seconds since the test started, the test's on the left and the
 * server's on the right. No scripts, no external files: it opens from disk and prints.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static void write(CheckResult result, Path file) throws IOException {
        Files.writeString(file, render(result), StandardCharsets.UTF_8);
    }

    static String render(CheckResult result) {
        StringBuilder html = new StringBuilder();
        String title = String.format(Locale.ROOT, "Protocol %s (%s): %s/%s points",
                result.protocol().requirementPrefix(), result.protocol().commandName(),
                TerminalReport.number(result.score()),
                TerminalReport.number(result.maxScore()));
        html.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>%s</title>
                <style>
                body { font-family: sans-serif; margin: 2em; max-width: 70em; }
                table { border-collapse: collapse; }
                td, th { padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
                tr.PASS td.verdict { color: #176117; } tr.FAIL td.verdict { color: #a11; font-weight: bold; }
                tr.NA td.verdict { color: #666; }
                pre { background: #f6f6f6; padding: 0.5em; white-space: pre-wrap; }
                table.timeline td.at { font-family: monospace; text-align: right; color: #555; }
                table.timeline tr.test td.text { background: #eef3ff; }
                table.timeline tr.server td.text { background: #fff4e0; font-family: monospace; }
                </style></head><body>
                """.formatted(escape(title)));
        html.append("<h1>").append(escape(title)).append("</h1>\n");
        html.append("<p id=\"summary\">").append(escape(result.target())).append(". ")
                .append(result.count(Verdict.PASS)).append(" passed, ").append(result.count(Verdict.FAIL))
                .append(" failed, ").append(result.count(Verdict.NOT_APPLICABLE))
                .append(" not applicable (not checked, no points).</p>\n");
        if (!result.sandbox().isBlank()) {
            html.append("<p id=\"sandbox\">Sandbox: ").append(escape(result.sandbox())).append("</p>\n");
        }
        if (!result.stopped().isBlank()) {
            html.append("<p id=\"stopped\"><strong>Stopped early:</strong> ").append(escape(result.stopped()))
                    .append("</p>\n");
        }
        html.append("<table id=\"requirements\"><tr><th>Verdict</th><th>Requirement</th><th>Points</th>"
                + "<th>What it says</th></tr>\n");
        for (RequirementVerdict verdict : result.verdicts()) {
            html.append("<tr class=\"").append(verdict.verdict() == Verdict.NOT_APPLICABLE ? "NA" : verdict.verdict())
                    .append("\"><td class=\"verdict\">").append(verdict.verdict().label()).append("</td><td>");
            if (verdict.verdict() == Verdict.FAIL) {
                html.append("<a href=\"#").append(verdict.requirement()).append("\">").append(verdict.requirement())
                        .append("</a>");
            } else {
                html.append(verdict.requirement());
            }
            html.append("</td><td>").append(TerminalReport.number(verdict.score())).append('/')
                    .append(TerminalReport.number(verdict.maxScore())).append("</td><td>")
                    .append(escape(verdict.rule().title()));
            if (verdict.verdict() == Verdict.NOT_APPLICABLE) {
                html.append("<br><small>not checked: ").append(escape(verdict.reason().lines().findFirst().orElse("")))
                        .append("</small>");
            }
            html.append("</td></tr>\n");
        }
        html.append("</table>\n");
        for (RequirementVerdict verdict : result.verdicts()) {
            if (verdict.verdict() != Verdict.FAIL) {
                continue;
            }
            html.append("<section class=\"failure\" id=\"").append(verdict.requirement()).append("\"><h2>")
                    .append(verdict.requirement()).append(": ").append(escape(verdict.rule().title()))
                    .append("</h2>\n");
            for (TestOutcome test : verdict.failures()) {
                html.append("<h3>").append(escape(test.name())).append("</h3>\n<pre class=\"message\">")
                        .append(escape(test.message())).append("</pre>\n");
                if (!test.timeline().isEmpty()) {
                    html.append("<table class=\"timeline\"><tr><th>seconds</th><th>who</th><th>what</th></tr>\n");
                    for (TimelineEvent event : test.timeline()) {
                        html.append("<tr class=\"").append(event.source().startsWith("server") ? "server" : "test")
                                .append("\"><td class=\"at\">")
                                .append(String.format(Locale.ROOT, "%.3f", event.at().toNanos() / 1e9))
                                .append("</td><td>").append(escape(event.source())).append("</td><td class=\"text\">")
                                .append(escape(event.text())).append("</td></tr>\n");
                    }
                    html.append("</table>\n");
                }
                if (!test.output().isBlank()) {
                    html.append("<pre class=\"output\">").append(escape(test.output())).append("</pre>\n");
                }
            }
            html.append("</section>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]", "?");
    }
}
