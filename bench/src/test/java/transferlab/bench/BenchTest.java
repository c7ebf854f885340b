package transferlab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
 * The bench runs (issue 12, item 3; issue 22) on tiny files and prints its table: the machine and
 * its load on top, every comparison as a row with its CPU, our commands measured, a missing peer
 * named as skipped. Not a timing test: no figure is judged against a goal, only that each is there,
 * that the CPU is measured, and that a rate-limited download is never faster than the limit allows.
 */
class BenchTest {
    /** Our commands as the launcher names them, started here with java on this test's class path. */
    private static final Map<String, String> MAIN_CLASSES = Map.of(
            "upload", "transferlab.upload.UploadCommand",
            "upload-server", "transferlab.upload.MultiClientUploadServerCommand",
            "ftserver", "transferlab.ft.FtServerCommand",
            "ftclient", "transferlab.ft.FtClientCommand",
            "ranged-server", "transferlab.ranged.RangedServerCommand",
            "ranged-client", "transferlab.ranged.RangedClientCommand");

    @TempDir
    Path work;

    @Test
    @DisplayName("issue 12 item 3: the bench prints one table with the machine, each comparison and its goal")
    void printsTheTable() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Bench bench = new Bench(new Bench.Settings(List.of(64L << 10), List.of(1), List.of(1), 0, 0, 1, work,
                null), BenchTest::java, new PrintStream(progress, true, StandardCharsets.UTF_8));

        BenchTable table = bench.run();
        String text = table.format();

        assertThat(text.lines().findFirst().orElseThrow())
                .contains(Runtime.getRuntime().availableProcessors() + " cores")
                .contains(System.getProperty("java.version"));
        assertThat(text).contains(BenchTable.HEADER);
        assertThat(table.rows()).extracting(BenchTable.Row::what).contains(
                "upload --help", "upload, 1 KiB", "ranged-client, 1 MiB, N=4", "md5sum (floor of verified)",
                "ranged-client N=1 K=1", "  N=1 K=1 CPU against md5sum", "axel -n 8 (no check)",
                "aria2c -x4 --checksum=md5",
                "curl from nginx (no check)", "ftclient -g", "nc into a file", "upload (sha256 \"ok\")");
        for (BenchTable.Row row : table.rows()) {
            boolean ours = MAIN_CLASSES.keySet().stream().anyMatch(name -> row.what().startsWith(name));
            if (ours) {
                assertThat(row.measured()).as("%s: %s", row.what(), row.note()).isTrue();
                assertThat(row.seconds()).as(row.what()).isPositive();
                assertThat(row.cpu()).as("%s: a JVM's start takes CPU", row.what()).isPositive();
            } else if (!row.measured()) {
                // a peer may be missing, or be another variant (a traditional nc has no -N): named, never ours to fix
                assertThat(row.note()).as(row.what()).containsAnyOf("not on the PATH", "no curl", "failed");
            }
        }
        assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).as(line)
                .isLessThanOrEqualTo(BenchTable.MAX_WIDTH));
        assertLoadAverages(text);
        // the server's CPU is read beside the client's: the ranged server sent the file, so it took some
        BenchTable.Row download = row(table, "ranged-client N=1 K=1");
        assertThat(download.serverCpu()).as("server CPU").isNotNaN().isGreaterThanOrEqualTo(0);
        assertThat(download.bytes()).isEqualTo(64 << 10);
        BenchTable.Row cpu = row(table, "  N=1 K=1 CPU against md5sum");
        if (row(table, "md5sum (floor of verified)").measured()) {
            assertThat(cpu.ratio()).isCloseTo(download.cpu() / row(table, "md5sum (floor of verified)").cpu(),
                    within(1e-9));
        }
        // issue 12 sets the transfer goals on 1 GiB: at 64 KiB a ratio is shown, never judged
        assertThat(text.lines().filter(line -> line.startsWith("ranged-client N=1 K=1 ")))
                .singleElement().asString().endsWith("(goal at 1 GiB)").doesNotContain("met");
        assertThat(text.lines().filter(line -> line.startsWith("upload, 1 KiB")))
                .singleElement().asString().containsPattern("<= 0\\.35 s (met|NOT met)$");
    }

    @Test
    @DisplayName("issue 22: with a rate per connection, ours, aria2c and axel per N and K against the ideal")
    void comparesWithTheIdealUnderARatePerConnection() throws Exception {
        long rate = 1 << 20;
        long size = 256 << 10;
        Bench bench = new Bench(new Bench.Settings(List.of(size), List.of(2), List.of(1, 2), rate, 0, 1, work,
                null), BenchTest::java, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        BenchTable table = bench.run();
        String text = table.format();

        assertThat(text).contains("each connection limited to 1 MiB/s");
        assertLoadAverages(text);
        assertThat(table.rows()).extracting(BenchTable.Row::what)
                .doesNotContain("upload --help", "ftclient -g") // only the ranged download is timed
                .contains("md5sum (CPU of a verify)", "ideal N=2 at 1 MiB/s", "ranged-client N=2 K=1",
                        "ranged-client N=2 K=2", "aria2c -x2 -s2 --checksum", "axel -n 2 (no check)");
        for (int n : List.of(2)) {
            double ideal = size / ((double) n * rate);
            assertThat(row(table, "ideal N=" + n + " at 1 MiB/s").seconds()).isCloseTo(ideal, within(1e-9));
            for (int k : List.of(1, 2)) {
                BenchTable.Row ours = row(table, "ranged-client N=" + n + " K=" + k);
                assertThat(ours.measured()).as("%s: %s", ours.what(), ours.note()).isTrue();
                // the server holds every connection to the rate, so no download beats the ideal
                assertThat(ours.seconds()).as(ours.what()).isGreaterThanOrEqualTo(ideal);
                assertThat(ours.ratio()).as(ours.what()).isCloseTo(ours.seconds() / ideal, within(1e-9));
                assertThat(ours.reference()).isEqualTo("ideal");
                assertThat(ours.cpu()).as(ours.what()).isPositive();
                assertThat(ours.serverCpu()).as(ours.what()).isNotNaN();
            }
            for (String peer : List.of("aria2c -x" + n + " -s" + n + " --checksum", "axel -n " + n + " (no check)")) {
                BenchTable.Row row = row(table, peer);
                if (row.measured()) {
                    assertThat(row.ratio()).as(peer).isCloseTo(row.seconds() / ideal, within(1e-9));
                    assertThat(row.serverCpu()).as("%s: nginx's CPU", peer).isNotNaN();
                    assertThat(table.rows()).extracting(BenchTable.Row::what)
                            .contains("  N=" + n + " K=1 against " + peer.substring(0, peer.indexOf(' ')));
                } else {
                    assertThat(row.note()).as(peer).containsAnyOf("not on the PATH", "failed");
                }
            }
        }
        assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).as(line)
                .isLessThanOrEqualTo(BenchTable.MAX_WIDTH));
    }

    @Test
    @DisplayName("issue 22: the CPU of a command is its process tree's, and a running server's is read live")
    void measuresTheCpuOfACommand() throws Exception {
        Bench bench = new Bench(new Bench.Settings(List.of(1L), List.of(1), List.of(1), 0, 0, 1, work, null),
                BenchTest::java, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        // a child of a child that spins: its CPU counts, as the JVM's counts under ./transfer
        Bench.Measured spin = bench.measure(List.of("bash", "-c",
                "bash -c 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done'"), null, null);

        assertThat(spin.ok()).isTrue();
        assertThat(spin.cpu()).isGreaterThan(0.05).isLessThanOrEqualTo(
                spin.seconds() * Runtime.getRuntime().availableProcessors() + 0.05);
        assertThat(spin.serverCpu()).isNaN();
        assertThat(Bench.cpuSeconds(ProcessHandle.current())).isPositive();
        Bench.Measured failing = bench.measure(List.of("bash", "-c", "exit 3"), null, null);
        assertThat(failing.ok()).isFalse();
        assertThat(failing.why()).contains("exit 3");
    }

    @Test
    @DisplayName("issue 22: nginx's sends under limit_rate wait whole milliseconds, so none is rounded away")
    void nginxSendsLastWholeMilliseconds() {
        for (long rate : new long[] {1 << 20, 32L << 20, 100_000_000L, 12_345}) {
            long chunk = HttpPeerServer.rateLimitedChunk(rate);
            // nginx: delay = sent * 1000 / limit_rate, in integer milliseconds
            assertThat(chunk * 1000 / rate).as("rate %d", rate).isEqualTo(HttpPeerServer.RATE_LIMITED_SEND_MILLIS);
            assertThat((chunk - 1) * 1000 / rate).as("the smallest such chunk").isLessThan(
                    HttpPeerServer.RATE_LIMITED_SEND_MILLIS);
        }
        assertThat(HttpPeerServer.rateLimitedChunk(32L << 20)).isEqualTo(1_073_742);
    }

    private static void assertLoadAverages(String text) {
        assertThat(text).containsPattern("load average at the start: [0-9.]+ [0-9.]+ [0-9.]+ \\(1, 5, 15 min\\)")
                .containsPattern("load average at the end: [0-9.]+ [0-9.]+ [0-9.]+ \\(1, 5, 15 min\\)");
    }

    private static BenchTable.Row row(BenchTable table, String what) {
        return table.rows().stream().filter(row -> row.what().equals(what)).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + what + "' in " + table.format()));
    }

    private static List<String> java(String name, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), MAIN_CLASSES.get(name)));
        command.addAll(args);
        return command;
    }
}
