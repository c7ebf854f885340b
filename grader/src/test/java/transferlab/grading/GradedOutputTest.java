package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.grading.report.GradescopeReport;
import transferlab.grading.report.HtmlReport;
import transferlab.grading.report.JUnitXmlReport;
import transferlab.grading.report.TerminalReport;
import transferlab.grading.program.GradedOutput;

/**
 * What a hostile program prints cannot forge a verdict, break a report or fill the disk: escapes
 * and bytes XML cannot hold are made visible text, lines and outputs are cut with "[... N bytes
 * cut]", and every report of a run holding such output is valid (the XML parses, the JSON reads).
 */
class GradedOutputTest {
    /** ESC sequences that move the cursor and recolour, a carriage return, NUL, U+FFFE, U+FFFF, a lone surrogate. */
    static final String HOSTILE = "\u001b[2K\u001b[1G\u001b[32mScore: 13/13 points\u001b[0m\rReady to hand in.\u0000"
            + "\uFFFE\uFFFF\uD800 \u202Eevil\u009b31m";

    @TempDir
    Path work;

    @Test
    void controlCharactersAndNoncharactersBecomeVisibleEscapes() {
        String clean = GradedOutput.clean(HOSTILE + "\ttab\nnext line é ☃ \uD83D\uDE00");

        assertThat(clean).doesNotContain("\u001b", "\r", "\u0000", "\uFFFE", "\uFFFF", "\u202E", "\u009b")
                .contains("\\x1b[2K", "\\x0d", "\\x00", "\\uFFFE", "\\uFFFF", "\\uD800", "\\u202E", "\\u009B")
                .contains("\ttab\nnext line é ☃ \uD83D\uDE00"); // tab, newline and real text stay
        assertThat(clean.codePoints().filter(c -> Character.getType(c) == Character.SURROGATE)).isEmpty();
    }

    @Test
    void aHugeLineIsCutWhileItIsReadAndTheOutputIsCapped() throws Exception {
        long fifty = 50L << 20;
        InputStream oneLine = new InputStream() { // 50 MiB of 'x', one line, never held in memory by the test
            long left = fifty;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : left == -1 ? '\n' : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (left < 0) {
                    return -1;
                }
                if (left == 0) {
                    buffer[offset] = '\n';
                    left = -1;
                    return 1;
                }
                int n = (int) Math.min(length, left);
                java.util.Arrays.fill(buffer, offset, offset + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        List<String> lines = new ArrayList<>();
        GradedOutput.readLines(oneLine, GradedOutput.MAX_TEST_BYTES, lines::add);

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("xxxx").endsWith(GradedOutput.cutNote(fifty - GradedOutput.MAX_LINE_BYTES))
                .hasSizeLessThan(GradedOutput.MAX_LINE_BYTES + 40);

        List<String> many = new ArrayList<>();
        byte[] tenThousandLines = "a line of twenty b\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        GradedOutput.readLines(new ByteArrayInputStream(tenThousandLines), GradedOutput.MAX_TEST_BYTES, many::add);
        assertThat(many.get(many.size() - 1)).startsWith("[... ").contains(" bytes cut]");
        assertThat(String.join("\n", many).length()).isLessThanOrEqualTo(GradedOutput.MAX_TEST_BYTES + 100);
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() throws Exception {
        List<String> lines = new ArrayList<>();
        GradedOutput.readLines(new ByteArrayInputStream(new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28, (byte) 0xFF,
                '\n'}), 1000, lines::add);
        assertThat(lines).containsExactly("ok\uFFFD(\uFFFD");
    }

    @Test
    void everyReportOfARunWithHostileOutputIsValidAndNoLineLooksLikeAVerdict() throws Exception {
        String huge = "y".repeat(300_000);
        TestOutcome failed = new TestOutcome("uploadIsAnswered()", List.of("U5"), Verdict.FAIL,
                "[the reply]\nexpected: \"go ahead\"; the server printed:\n" + HOSTILE + "\n" + huge,
                HOSTILE, Duration.ofSeconds(1), List.of(new TimelineEvent(Duration.ofMillis(12), "server", HOSTILE)));
        TestOutcome passed = new TestOutcome("headerIsRead()", List.of("U1"), Verdict.PASS, "", "", Duration.ZERO,
                List.of());
        CheckResult result = new CheckResult(Protocol.UPLOAD, "server command: x", false, List.of(
                new RequirementVerdict(rule("U1"), Verdict.PASS, List.of(passed), ""),
                new RequirementVerdict(rule("U5"), Verdict.FAIL, List.of(failed), "")),
                0, List.of(), List.of(), Duration.ofSeconds(2), 1, Map.of(), "stopped: " + HOSTILE);

        assertThat(failed.message().length()).isLessThanOrEqualTo(GradedOutput.MAX_TEST_BYTES + 100);
        Path xml = work.resolve("junit.xml");
        Path json = work.resolve("results.json");
        Path html = work.resolve("report.html");
        JUnitXmlReport.write(result, xml);
        GradescopeReport.write(result, json);
        HtmlReport.write(result, html);
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        TerminalReport.print(result, new PrintStream(terminal, true, StandardCharsets.UTF_8));

        assertThat(DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile())
                .getElementsByTagName("testcase").getLength()).isEqualTo(2);
        assertThat(new ObjectMapper().readTree(json.toFile()).path("score").asDouble()).isEqualTo(1.0);
        for (Path report : List.of(xml, json, html)) {
            String text = Files.readString(report, StandardCharsets.UTF_8);
            assertThat(text).as("%s", report.getFileName()).doesNotContain("\u001b", "\r", "\u0000", "\uFFFE");
            assertThat(Files.size(report)).as("%s", report.getFileName()).isLessThan(200_000);
        }
        assertThat(Files.list(work)).as("no temporary file left beside the reports").hasSize(3);
        String printed = terminal.toString(StandardCharsets.UTF_8);
        assertThat(printed).doesNotContain("\u001b", "\r");
        assertThat(printed.lines().filter(line -> line.startsWith("Score:"))).hasSize(1);
        // Verdict lines are "  PASS  U1 ..." and "Score: ..." at the start of a line; the program's words are never there.
        assertThat(printed.lines().filter(line -> line.contains("Ready to hand in"))).isNotEmpty()
                .allMatch(line -> line.startsWith("  ") && !line.matches(" {2}(PASS|FAIL|N/A) .*"));
        assertThat(printed.lines().filter(line -> line.matches(" {2}(PASS|FAIL|N/A) .*"))).hasSize(2);
    }

    private static PointsTable.Rule rule(String requirement) {
        return new PointsTable.Rule(requirement, PointsTable.Scope.CORE, 1, "visible", "title of " + requirement);
    }
}
