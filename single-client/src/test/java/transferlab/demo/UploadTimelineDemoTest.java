package transferlab.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;

/**
 * Part 1 of the lecture demo, run for real against the iterative server (issue 19, item 8): on a
 * terminal the timeline is redrawn in place while the clients wait, and its last frame is the
 * clients' own timing, in serving order; into a pipe it is printed once, with no terminal codes.
 * Either way every line fits 80 columns.
 */
class UploadTimelineDemoTest {
    private static final String CURSOR_UP_FOUR = "\u001b[4A"; // over the header and the three rows

    @Test
    void onATerminalTheTimelineGrowsInPlaceWhileTheClientsWait() throws Exception {
        String shown = run(true);

        assertThat(shown).as("frames redrawn over the one before").contains(CURSOR_UP_FOUR);
        String[] frames = shown.split(java.util.regex.Pattern.quote(CURSOR_UP_FOUR));
        assertThat(frames.length).as("frames drawn while the uploads ran, about 1.5 s at 50 ms")
                .isGreaterThan(5);
        // How many dots a frame shows depends on when the machine drew it; that a client waited does not.
        assertThat(List.of(frames).subList(1, frames.length - 1)).as("a frame drawn while somebody still waits")
                .anyMatch(frame -> frame.lines().anyMatch(line -> line.matches(".*\\|\\.+ *\\|.*")));
        List<String> last = rows(frames[frames.length - 1]);
        assertThat(last).as("the final frame: each client waited, then sent")
                .hasSize(3).allSatisfy(row -> assertThat(row).matches("  (alpha|beta|gamma) .*\\|[ .]*#+ *\\|"));
        assertEveryLineFitsEightyColumns(shown);
    }

    @Test
    void intoAPipeTheTimelineIsPrintedOnceWithoutTerminalCodes() throws Exception {
        String printed = run(false);

        assertThat(printed).doesNotContain("\u001b", "\r");
        assertThat(rows(printed)).hasSize(3);
        assertThat(printed).contains("all 3 uploads done");
        assertEveryLineFitsEightyColumns(printed);
    }

    private static String run(boolean live) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        boolean intact = new UploadTimelineDemo(out, new DemoOptions(), live).run("Stage 1", "lesson",
                (address, handler) -> IterativeServer.bind(address, handler, ServerLog.silent()));
        assertThat(intact).as("every file arrived intact").isTrue();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The timeline's rows in {@code text}: a client's name, then its bar between two '|'. */
    private static List<String> rows(String text) {
        return text.lines().map(line -> line.replaceAll("\u001b\\[K|\r", ""))
                .filter(line -> line.matches("  (alpha|beta|gamma) .*\\|.*\\|")).toList();
    }

    private static void assertEveryLineFitsEightyColumns(String output) {
        assertThat(output.replaceAll("\u001b\\[[0-9]*[A-Z]", "").split("[\r\n]"))
                .allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(80));
    }
}
