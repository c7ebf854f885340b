package transferlab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's one table: the machine and its load on top, then a row per measurement with its
 * median wall time, the CPU it took per GiB (the command's, and its server's), its ratio against
 * the reference it is compared with, and the goal that ratio is held to; the load again at the end.
 */
final class BenchTable {
    /** Wide enough for "aria2c -x16 -s16 --checksum"; the whole row stays within 100 columns. */
    private static final String COLUMNS = "%-28s %7s %9s %7s %7s  %-14s %s";
    static final String HEADER = String.format(Locale.ROOT, COLUMNS, "what", "size", "median", "cpu/GiB",
            "server", "ratio", "goal").stripTrailing();
    static final int MAX_WIDTH = 100;

    /**
     * One measurement. {@code seconds} (wall) and {@code cpu} are NaN when not measured, and
     * {@code note} says why.
     *
     * @param cpu       user + system seconds of the command (its whole process tree); NaN for none
     * @param serverCpu user + system seconds its server spent meanwhile; NaN for none
     * @param bytes     what the command moved, for the per-GiB columns; 0 for a fixed cost, whose CPU
     *                  is printed in seconds instead
     * @param ratio     ours over the reference (below 1 is better); NaN when there is none
     * @param goal      the largest ratio (or, for a fixed cost, seconds) that meets the goal; NaN for
     *                  none (a ratio without a goal says its goal is set at {@link Bench#GOAL_BYTES})
     */
    record Row(String what, String size, double seconds, double cpu, double serverCpu, long bytes,
               String reference, double ratio, double goal, String note) {
        static Row skipped(String what, String size, String why) {
            return new Row(what, size, Double.NaN, Double.NaN, Double.NaN, 0, "", Double.NaN, Double.NaN, why);
        }

        boolean measured() {
            return !Double.isNaN(seconds) || !Double.isNaN(cpu);
        }

        String format() {
            if (!measured()) {
                return String.format(Locale.ROOT, "%-28s %7s %9s  %s", what, size, "-", note);
            }
            String ratioText = Double.isNaN(ratio) ? note : String.format(Locale.ROOT, "%.2fx %s", ratio, reference);
            String goalText = Double.isNaN(ratio) ? "" : "(goal at 1 GiB)";
            if (!Double.isNaN(goal)) {
                double judged = Double.isNaN(ratio) ? seconds : ratio;
                String unit = Double.isNaN(ratio) ? " s" : "x";
                goalText = String.format(Locale.ROOT, "<= %.2f%s %s", goal, unit, judged <= goal ? "met" : "NOT met");
            }
            return String.format(Locale.ROOT, COLUMNS, what, size,
                    Double.isNaN(seconds) ? "" : String.format(Locale.ROOT, "%7.3f s", seconds),
                    cpuText(cpu), cpuText(serverCpu), ratioText, goalText).stripTrailing();
        }

        /** Per GiB moved; a fixed cost's CPU in seconds. */
        private String cpuText(double seconds) {
            if (Double.isNaN(seconds)) {
                return "";
            }
            return bytes == 0 ? String.format(Locale.ROOT, "%.2f s", seconds)
                    : String.format(Locale.ROOT, "%.2f", seconds / (bytes / (double) (1L << 30)));
        }
    }

    private final List<String> top = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> bottom = new ArrayList<>();

    void line(String text) {
        top.add(text);
    }

    void add(Row row) {
        rows.add(row);
    }

    /** A line after the rows (the load average at the end). */
    void footer(String text) {
        bottom.add(text);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    String format() {
        StringBuilder out = new StringBuilder();
        top.forEach(line -> out.append(line).append('\n'));
        out.append('\n').append(HEADER).append('\n');
        rows.forEach(row -> out.append(row.format()).append('\n'));
        if (!bottom.isEmpty()) {
            out.append('\n');
            bottom.forEach(line -> out.append(line).append('\n'));
        }
        return out.toString();
    }
}
