package transferlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench runs (issue 12, item 3) on tiny files and prints its table: the machine on top, every
 * comparison as a row, our commands measured, a missing peer named as skipped. Not a timing test:
 * no figure is judged, only that each is there.
 */
class BenchTest {
    /** Our commands as the launcher names them, started here with java on this test's class path. */
    private static final Map<String, String> MAIN_CLASSES = Map.of(
            "upload", "transferlab.upload.UploadCommand",
            "upload-server", "transferlab.upload.MultiClientUploadServerCommand",
            "ftserver", "transferlab.listget.FtServerCommand",
            "ftclient", "transferlab.listget.FtClientCommand",
            "parallel-server", "transferlab.ranged.ParallelServerCommand",
            "parallel-client", "transferlab.ranged.ParallelClientCommand");

    @TempDir
    Path work;

    @Test
    @DisplayName("issue 12 item 3: the bench prints one table with the machine, each comparison and its goal")
    void printsTheTable() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Bench bench = new Bench(new Bench.Settings(List.of(64L << 10), List.of(1), 0, 1, work, null),
                BenchTest::java, new PrintStream(progress, true, StandardCharsets.UTF_8));

        BenchTable table = bench.run();
        String text = table.format();

        assertThat(text.lines().findFirst().orElseThrow())
                .contains(Runtime.getRuntime().availableProcessors() + " cores")
                .contains(System.getProperty("java.version"));
        assertThat(text).contains(BenchTable.HEADER);
        assertThat(table.rows()).extracting(BenchTable.Row::what).contains(
                "upload --help", "upload, 1 KiB", "parallel-client, 1 MiB, N=4", "md5sum (floor of verified)",
                "parallel-client N=1", "axel -n 8 (no check)", "aria2c -x4 --checksum=md5",
                "curl from nginx (no check)", "ftclient -g", "nc into a file", "upload (sha256 \"ok\")");
        for (BenchTable.Row row : table.rows()) {
            boolean ours = MAIN_CLASSES.keySet().stream().anyMatch(name -> row.what().startsWith(name));
            if (ours) {
                assertThat(row.measured()).as("%s: %s", row.what(), row.note()).isTrue();
                assertThat(row.seconds()).as(row.what()).isPositive();
            } else if (!row.measured()) {
                // a peer may be missing, or be another variant (a traditional nc has no -N): named, never ours to fix
                assertThat(row.note()).as(row.what()).containsAnyOf("not on the PATH", "no curl", "failed");
            }
        }
        assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
        // issue 12 sets the transfer goals on 1 GiB: at 64 KiB a ratio is shown, never judged
        assertThat(text.lines().filter(line -> line.startsWith("parallel-client N=1 ")))
                .singleElement().asString().endsWith("(goal at 1 GiB)").doesNotContain("met");
        assertThat(text.lines().filter(line -> line.startsWith("upload, 1 KiB")))
                .singleElement().asString().containsPattern("<= 0\\.35 s (met|NOT met)$");
    }

    private static List<String> java(String name, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), MAIN_CLASSES.get(name)));
        command.addAll(args);
        return command;
    }
}
