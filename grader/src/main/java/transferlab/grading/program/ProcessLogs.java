package transferlab.grading.program;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** The most of one program's output a log keeps (a test shows its last lines; a run is capped again). */
    static final long MAX_LOG_BYTES = 1 << 20;

    private ProcessLogs() {
    }

    /**
     * Copies {@code output} into {@code log} in a daemon thread, stamping each line; returns the
     * thread. Lines are cut and cleaned as they are read ({@link GradedOutput#readLines}), and a
     * log keeps at most {@link #MAX_LOG_BYTES}: past that the program is drained, not blocked.
     */
    static Thread pumpTimed(InputStream output, Path log, String threadName) throws IOException {
        // Appending: the grader's own notes ("started, told to listen on port ...") share the file.
        Writer writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Thread pump = new Thread(() -> {
            try (writer; output) {
                GradedOutput.readLines(output, MAX_LOG_BYTES, line -> {
                    writer.write(System.nanoTime() + " " + line + "\n");
                    writer.flush();
                });
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

    /** The key of each test that started a program, by the test's JUnit unique id: logs carry it in their name. */
    private static final Map<String, String> TEST_KEYS = new ConcurrentHashMap<>();
    private static final AtomicInteger KEYS_GIVEN = new AtomicInteger();

    /**
     * The short key a test's program logs carry in their names ({@code server-0007.t12.timed}), for
     * the test whose JUnit unique id is {@code testUniqueId}: tests that run at once
     * ({@code --tests-at-once}) each see only their own programs in their timelines.
     */
    public static String keyOf(String testUniqueId) {
        return TEST_KEYS.computeIfAbsent(testUniqueId, id -> "t" + KEYS_GIVEN.incrementAndGet());
    }

    /** The name ending of a timed log of the test with {@code testKey} (null: of no test in particular). */
    static String timedEnding(String testKey) {
        return (testKey == null ? "" : "." + testKey) + TIMED;
    }

    /**
     * The lines of the timed logs in {@code directory} stamped between {@code fromNanos} and
     * {@code toNanos}, as events relative to {@code fromNanos}, oldest first, at most the last
     * {@code limit}: the logs of the test with {@code testKey} ({@link #keyOf}) and those of no test
     * in particular; another test's are left out. The source is "server", or "server 2" when
     * several servers spoke.
     */
    public static List<TimelineEvent> linesBetween(Path directory, String testKey, long fromNanos, long toNanos,
                                                   int limit) {
        List<Path> logs;
        try (Stream<Path> files = Files.list(directory)) {
            logs = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(timedEnding(testKey)) || name.matches("[^.]*\\" + TIMED))
                    .sorted().map(directory::resolve).toList();
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
            return Files.readAllLines(file, StandardCharsets.UTF_8); // our own file, capped as written
        } catch (IOException e) {
            return List.of(); // nothing printed: show nothing rather than fail the verdict
        }
    }
}
