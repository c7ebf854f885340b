package transferlab.grading.program;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import transferlab.grading.TimelineEvent;

/**
 * What the programs started for a test (a student's server) printed, line by line with the time
 * each line came, so that a failure shows the student's own words beside the test's actions on one
 * clock. A server's output is pumped into {@code server-N.timed} in the run's log directory, each
 * line prefixed with {@link System#nanoTime()}; {@link #linesBetween} reads back a test's window.
 * The runner's log directory is per run, so two runs in one JVM do not mix their logs.
 */
public final class ProcessLogs {
    /** How much of a program's output a verdict shows: its last lines. */
    public static final int TAIL_LINES = 12;
    /** The file name ending of a timed log. */
    static final String TIMED = ".timed";

    private ProcessLogs() {
    }

    /** Copies {@code output} into {@code log} in a daemon thread, stamping each line; returns the thread. */
    static Thread pumpTimed(InputStream output, Path log, String threadName) throws IOException {
        // Appending: the grader's own notes ("started, told to listen on port ...") share the file.
        Writer writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Thread pump = new Thread(() -> {
            // A student's program may print bytes that are not UTF-8: replace them rather than stop reading.
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            try (writer; BufferedReader lines = new BufferedReader(new InputStreamReader(output, decoder))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    writer.write(System.nanoTime() + " " + line + "\n");
                    writer.flush();
                }
            } catch (IOException e) {
                // the process is gone and its pipe with it: what was read is in the log
            }
        }, threadName);
        pump.setDaemon(true);
        pump.start();
        return pump;
    }

    /** Appends an event of the grader's own (e.g. "[exited with status 1]") to a timed log. */
    static void note(Path log, String text) {
        try {
            Files.writeString(log, System.nanoTime() + " [" + text + "]\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log directory is gone: the run is over
        }
    }

    /**
     * The lines of every timed log in {@code directory} stamped between {@code fromNanos} and
     * {@code toNanos}, as events relative to {@code fromNanos}, oldest first, at most the last
     * {@code limit}. The source is "server", or "server 2" when several servers spoke.
     */
    public static List<TimelineEvent> linesBetween(Path directory, long fromNanos, long toNanos, int limit) {
        List<Path> logs;
        try (Stream<Path> files = Files.list(directory)) {
            logs = files.filter(file -> file.getFileName().toString().endsWith(TIMED)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
        List<Stamped> lines = new ArrayList<>();
        for (Path log : logs) {
            String name = log.getFileName().toString();
            for (String line : readLines(log)) {
                int space = line.indexOf(' ');
                try {
                    long at = Long.parseLong(line.substring(0, space));
                    if (at >= fromNanos && at <= toNanos) {
                        lines.add(new Stamped(at, name, line.substring(space + 1)));
                    }
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not a stamped line (cannot happen for our own writer): skip it
                }
            }
        }
        long speakers = lines.stream().map(Stamped::log).distinct().count();
        List<String> order = lines.stream().map(Stamped::log).distinct().sorted().toList();
        return lines.stream().sorted(Comparator.comparingLong(Stamped::at))
                .skip(Math.max(0, lines.size() - limit))
                .map(line -> new TimelineEvent(Duration.ofNanos(line.at() - fromNanos),
                        speakers > 1 ? "server " + (order.indexOf(line.log()) + 1) : "server", line.text()))
                .toList();
    }

    private record Stamped(long at, String log, String text) {
    }

    /** The last {@code lines} lines of a log, without the time stamps of a timed one. */
    static String tail(Path file, int lines) {
        List<String> all = readLines(file);
        if (file.getFileName().toString().endsWith(TIMED)) {
            all = all.stream().map(line -> line.substring(line.indexOf(' ') + 1)).toList();
        }
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(); // nothing printed: show nothing rather than fail the verdict
        }
    }
}
