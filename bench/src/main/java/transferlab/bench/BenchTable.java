package transferlab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's one table: the machine on top, then a row per measurement with its median, its time
 * ratio against the reference it is compared with, and the goal of issue 12 that ratio is held to.
 */
final class BenchTable {
    static final String HEADER = String.format(Locale.ROOT, "%-27s %7s %9s  %-15s %s",
            "what", "size", "median", "ratio", "goal");

    /**
     * One measurement. {@code seconds} is empty when it was skipped or failed, and {@code note} says why.
     *
     * @param ratio a time ratio, ours over the reference (below 1 is faster); NaN when there is none
     * @param goal  the largest ratio (or, for a fixed cost, seconds) that meets the goal; NaN for none (a
     *              ratio without a goal says that its goal is set at {@link Bench#GOAL_BYTES})
     */
    record Row(String what, String size, double seconds, String reference, double ratio, double goal, String note) {
        static Row skipped(String what, String size, String why) {
            return new Row(what, size, Double.NaN, "", Double.NaN, Double.NaN, why);
        }

        boolean measured() {
            return !Double.isNaN(seconds);
        }

        String format() {
            if (!measured()) {
                return String.format(Locale.ROOT, "%-27s %7s %9s  %s", what, size, "-", note);
            }
            String ratioText = Double.isNaN(ratio) ? note : String.format(Locale.ROOT, "%.2fx %s", ratio, reference);
            String goalText = Double.isNaN(ratio) ? "" : "(goal at 1 GiB)";
            if (!Double.isNaN(goal)) {
                double judged = Double.isNaN(ratio) ? seconds : ratio;
                String unit = Double.isNaN(ratio) ? " s" : "x";
                goalText = String.format(Locale.ROOT, "<= %.2f%s %s", goal, unit, judged <= goal ? "met" : "NOT met");
            }
            return String.format(Locale.ROOT, "%-27s %7s %7.3f s  %-15s %s", what, size, seconds, ratioText, goalText)
                    .stripTrailing();
        }
    }

    private final List<String> top = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();

    void line(String text) {
        top.add(text);
    }

    void add(Row row) {
        rows.add(row);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    String format() {
        StringBuilder out = new StringBuilder();
        top.forEach(line -> out.append(line).append('\n'));
        out.append('\n').append(HEADER).append('\n');
        rows.forEach(row -> out.append(row.format()).append('\n'));
        return out.toString();
    }
}
