package transferlab.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The lecture demo's options (issue 19, item 8): {@code demo --help} answers with them within 80
 * columns, a wrong one is a usage error (2), {@code --pause} goes on at the end of input, and the
 * timeline's lines, live or final, slow or normal, stay within 80 columns.
 */
class DemoOptionsTest {
    /** A part of the demo as the launcher starts it: a command named demo with the options mixed in. */
    @Command(name = "demo")
    static final class Part implements Callable<Integer> {
        @Mixin
        DemoOptions options;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @Test
    void helpListsEveryOptionWithinEightyColumns() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine line = new CommandLine(new Part());
        line.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));

        assertThat(line.execute("--help")).isZero();

        String help = out.toString(StandardCharsets.UTF_8);
        assertThat(help).startsWith("Usage: ./transfer demo [1|2|3] [--pace slow|normal] [--pause] [--no-bars]")
                .contains("--pace=slow|normal", "--pause", "--no-bars", "--plot=FILE.svg", "about 10 s");
        assertThat(help.lines()).allSatisfy(text -> assertThat(text).hasSizeLessThanOrEqualTo(80));
    }

    @Test
    void theOptionsReachThePartAndAWrongPaceIsAUsageError() {
        Part part = new Part();
        new CommandLine(part).parseArgs("--pace", "SLOW", "--no-bars", "--plot", "s.svg");
        assertThat(part.options.pace()).isEqualTo(DemoOptions.Pace.SLOW);
        assertThat(part.options.bars()).isFalse();
        assertThat(part.options.plot()).isEqualTo(Path.of("s.svg"));

        Part defaults = new Part();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.options.pace()).isEqualTo(DemoOptions.Pace.NORMAL);
        assertThat(defaults.options.bars()).isTrue();

        CommandLine wrong = new CommandLine(new Part());
        wrong.setErr(new java.io.PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(wrong.execute("--pace", "fast")).isEqualTo(2);
    }

    @Test
    void pauseWaitsForALineAndGoesOnAtTheEndOfInput() throws Exception {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(shown, true, StandardCharsets.UTF_8);
        BufferedReader enterThenEnd = new BufferedReader(new StringReader("\n"));

        assertThat(DemoOptions.waitForEnter(enterThenEnd, out, "starts the clients")).isTrue();
        assertThat(DemoOptions.waitForEnter(enterThenEnd, out, "starts the clients")).as("at the end of input")
                .isFalse();
        assertThat(shown.toString(StandardCharsets.UTF_8)).startsWith("  [Enter] starts the clients ");
    }

    @Test
    void timelineRowsFitEightyColumnsAtEitherPace() {
        long second = 1_000_000_000L;
        for (DemoOptions.Pace pace : DemoOptions.Pace.values()) {
            double span = pace.timelineSeconds * 1e9;
            long end = (long) (3 * pace.uploadSeconds * second);
            String waiting = UploadTimelineDemo.row("gamma", 0, -1, -1, end / 2, span);
            String sending = UploadTimelineDemo.row("beta", 0, end / 3, -1, end / 2, span);
            String done = UploadTimelineDemo.row("gamma", 0, 2 * end / 3, end, end, span);
            assertThat(waiting).as("still waiting at %s", pace).contains("|....").doesNotContain("#")
                    .doesNotContain("-");
            assertThat(sending).as("sending at %s", pace).contains(".#").endsWith("|");
            assertThat(done).as("done at %s", pace).matches(".*\\|\\.+#+ *\\|").hasSizeLessThanOrEqualTo(80);
            assertThat(String.join("\n", waiting, sending, done).lines())
                    .allSatisfy(text -> assertThat(text).hasSizeLessThanOrEqualTo(80));
        }
        assertThat(UploadTimelineDemo.row("gamma", 0, 10_020_000_000L, 15_030_000_000L, 15_030_000_000L, 16e9))
                .startsWith("  gamma   10.02 s  10.02-15.03 s  |");
    }
}
