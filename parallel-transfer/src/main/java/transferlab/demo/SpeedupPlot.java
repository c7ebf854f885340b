package transferlab.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Part 3's table as a picture: the time of each download against its number of connections,
 * beside the ideal (one connection's time divided by N), written as a plain SVG file a browser
 * opens and a projector shows ({@code ./transfer demo 3 --plot speedup.svg}).
 *
 * <p>Both axes are logarithmic (base 2): the ideal is then a straight line falling one step per
 * doubling, and how far a measured point sits above it is the same distance at 4 connections as at
 * 16. The text is large (20 px and more in a 900×600 picture) so that the back of a room reads it.
 * Written by hand, a few dozen elements: no charting library for one picture.
 */
public final class SpeedupPlot {
    /** One download of the table. */
    public record Run(int connections, int blocks, double seconds) {
        int blocksPerConnection() {
            return blocks / connections;
        }
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 600;
    private static final int LEFT = 120;
    private static final int RIGHT = 850;
    private static final int TOP = 100;
    private static final int BOTTOM = 500;
    /** One colour per blocks-per-connection series, told apart by shape as well (circle, square). */
    private static final String[] COLOURS = {"#c0392b", "#1f5fa8", "#7d3c98"};
    private static final String IDEAL_COLOUR = "#444444";
    private static final int LEGEND_ROW = 30;
    private static final int LEGEND_WIDTH = 350;

    private SpeedupPlot() {
    }

    /** "16 connections: 11.0x faster than 1 (with 64 blocks); ideal 16x", from the fastest run at most connections. */
    public static String summary(List<Run> runs) {
        double one = oneConnectionSeconds(runs);
        int most = runs.stream().mapToInt(Run::connections).max().orElseThrow();
        Run best = runs.stream().filter(r -> r.connections() == most).min(Comparator.comparingDouble(Run::seconds))
                .orElseThrow();
        return String.format(Locale.ROOT, "%d connections: %.1fx faster than 1%s; ideal %dx", most,
                one / best.seconds(), best.blocks() == most ? "" : " (with " + best.blocks() + " blocks)", most);
    }

    /** Writes the picture of {@code runs} (one of them over one connection) to {@code file}. */
    public static void write(Path file, String title, List<Run> runs) throws IOException {
        Files.writeString(file, svg(title, runs), StandardCharsets.UTF_8);
    }

    static String svg(String title, List<Run> runs) {
        double one = oneConnectionSeconds(runs);
        int most = runs.stream().mapToInt(Run::connections).max().orElseThrow();
        double fastest = Math.min(one / most, runs.stream().mapToDouble(Run::seconds).min().orElseThrow());
        double slowest = Math.max(one, runs.stream().mapToDouble(Run::seconds).max().orElseThrow());
        Axis x = new Axis(0, Math.max(1, log2Ceil(most)));
        Axis y = new Axis(Math.floor(log2(fastest / 1.15)), Math.ceil(log2(slowest * 1.15)));

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                + "width=\"%d\" height=\"%d\" font-family=\"DejaVu Sans, Arial, sans-serif\">%n", WIDTH, HEIGHT,
                WIDTH, HEIGHT));
        svg.append("<title>").append(escape(title)).append(": measured and ideal time</title>\n");
        svg.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        text(svg, "title", WIDTH / 2.0, 38, 26, "middle", "bold", title);
        text(svg, "subtitle", WIDTH / 2.0, 70, 19, "middle", "normal",
                "each step on both axes doubles; ideally N connections take 1/N of the time");

        // The grid and the ticks: every power of two on both axes.
        for (int step = (int) x.low; step <= x.high; step++) {
            double at = x.map(step, LEFT, RIGHT);
            line(svg, "grid", at, TOP, at, BOTTOM, "#dddddd", 1, "");
            text(svg, "tick", at, BOTTOM + 30, 20, "middle", "normal", String.valueOf(1 << step));
        }
        for (int step = (int) y.low; step <= y.high; step++) {
            double at = y.map(step, BOTTOM, TOP);
            line(svg, "grid", LEFT, at, RIGHT, at, "#dddddd", 1, "");
            text(svg, "tick", LEFT - 12, at + 7, 20, "end", "normal", seconds(Math.pow(2, step)));
        }
        line(svg, "axis", LEFT, BOTTOM, RIGHT, BOTTOM, "black", 2, "");
        line(svg, "axis", LEFT, TOP, LEFT, BOTTOM, "black", 2, "");
        text(svg, "axis-label", (LEFT + RIGHT) / 2.0, BOTTOM + 70, 22, "middle", "normal",
                "connections (N), each held to the same rate");
        svg.append(String.format(Locale.ROOT, "<text class=\"axis-label\" transform=\"translate(32 %.1f) "
                + "rotate(-90)\" font-size=\"22\" text-anchor=\"middle\">time to download and check the MD5"
                + "</text>%n", (TOP + BOTTOM) / 2.0));

        // The ideal: one connection's time divided by N, a straight line on these axes.
        svg.append(String.format(Locale.ROOT, "<polyline class=\"ideal\" fill=\"none\" stroke=\"%s\" "
                + "stroke-width=\"3\" stroke-dasharray=\"12 8\" points=\"%.1f,%.1f %.1f,%.1f\"/>%n", IDEAL_COLOUR,
                x.map(0, LEFT, RIGHT), y.map(log2(one), BOTTOM, TOP), x.map(log2(most), LEFT, RIGHT),
                y.map(log2(one / most), BOTTOM, TOP)));

        // The measured series, one per blocks-per-connection; the N = 1 run starts each of them.
        Map<Integer, List<Run>> series = new TreeMap<>();
        for (Run run : runs) {
            series.computeIfAbsent(run.blocksPerConnection(), k -> new ArrayList<>()).add(run);
        }
        Run single = runs.stream().filter(r -> r.connections() == 1).findFirst().orElseThrow();
        int index = 0;
        List<String> legend = new ArrayList<>();
        for (Map.Entry<Integer, List<Run>> entry : series.entrySet()) {
            List<Run> points = new ArrayList<>(entry.getValue());
            if (!points.contains(single)) {
                points.add(0, single);
            }
            points.sort(Comparator.comparingInt(Run::connections));
            String colour = COLOURS[index % COLOURS.length];
            StringBuilder path = new StringBuilder();
            for (Run run : points) {
                path.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.map(log2(run.connections()), LEFT, RIGHT),
                        y.map(log2(run.seconds()), BOTTOM, TOP)));
            }
            svg.append(String.format(Locale.ROOT, "<polyline class=\"measured\" fill=\"none\" stroke=\"%s\" "
                    + "stroke-width=\"4\" points=\"%s\"/>%n", colour, path.toString().trim()));
            for (Run run : points) {
                if (run != single || index == 0) { // the shared first point is drawn once
                    marker(svg, index, colour, run, x, y, runs);
                }
            }
            legend.add(colour + "|" + (entry.getKey() == 1 ? "measured: 1 block each"
                    : "measured: " + entry.getKey() + " blocks each"));
            index++;
        }
        legend.add(IDEAL_COLOUR + "|ideal: " + seconds(one) + " / N");

        // The legend, bottom left, under the ideal: no download is faster than the ideal, so no point
        // or its time is ever there, however the runs went.
        double legendLeft = LEFT + 12;
        double legendTop = BOTTOM - 12 - legend.size() * LEGEND_ROW - 10;
        svg.append(String.format(Locale.ROOT, "<rect class=\"legend\" x=\"%.1f\" y=\"%.1f\" width=\"%d\" "
                + "height=\"%d\" fill=\"white\" stroke=\"#999999\"/>%n", legendLeft, legendTop, LEGEND_WIDTH,
                legend.size() * LEGEND_ROW + 10));
        for (int i = 0; i < legend.size(); i++) {
            String[] entry = legend.get(i).split("\\|", 2);
            double at = legendTop + 25 + i * LEGEND_ROW;
            boolean ideal = i == legend.size() - 1;
            line(svg, "legend-line", legendLeft + 12, at - 7, legendLeft + 62, at - 7, entry[0], ideal ? 3 : 4,
                    ideal ? "12 8" : "");
            text(svg, "legend", legendLeft + 74, at, 20, "start", "normal", entry[1]);
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** A circle (first series) or a square, its time beside it: above if the slowest of its N, else below. */
    private static void marker(StringBuilder svg, int series, String colour, Run run, Axis x, Axis y,
                               List<Run> runs) {
        double cx = x.map(log2(run.connections()), LEFT, RIGHT);
        double cy = y.map(log2(run.seconds()), BOTTOM, TOP);
        String tooltip = String.format(Locale.ROOT, "<title>%d connections, %d blocks: %.2f s</title>",
                run.connections(), run.blocks(), run.seconds());
        if (series == 0) {
            svg.append(String.format(Locale.ROOT, "<circle class=\"point\" data-connections=\"%d\" data-blocks=\"%d\" "
                    + "cx=\"%.1f\" cy=\"%.1f\" r=\"8\" fill=\"%s\">%s</circle>%n", run.connections(), run.blocks(), cx,
                    cy, colour, tooltip));
        } else {
            svg.append(String.format(Locale.ROOT, "<rect class=\"point\" data-connections=\"%d\" data-blocks=\"%d\" "
                    + "x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"16\" fill=\"%s\">%s</rect>%n", run.connections(),
                    run.blocks(), cx - 8, cy - 8, colour, tooltip));
        }
        boolean slowest = runs.stream().filter(r -> r.connections() == run.connections())
                .allMatch(r -> r.seconds() <= run.seconds());
        // Above, centred (right of the first point); the faster one below and to the side, off the legend.
        boolean last = runs.stream().allMatch(r -> r.connections() <= run.connections());
        double labelX = run.connections() == 1 ? cx + 16 : slowest ? cx : last ? cx - 14 : cx + 14;
        String anchor = run.connections() == 1 ? "start" : slowest ? "middle" : last ? "end" : "start";
        text(svg, "value", labelX, slowest ? cy - 16 : cy + 30, 20, anchor, "bold",
                String.format(Locale.ROOT, "%.2f s", run.seconds())); // as the table prints it
    }

    /** A logarithmic axis from 2^low to 2^high. */
    private record Axis(double low, double high) {
        double map(double log, double from, double to) {
            return from + (log - low) / (high - low) * (to - from);
        }
    }

    private static void line(StringBuilder svg, String kind, double x1, double y1, double x2, double y2,
                             String colour, int width, String dashes) {
        svg.append(String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                + "stroke=\"%s\" stroke-width=\"%d\"%s/>%n", kind, x1, y1, x2, y2, colour, width,
                dashes.isEmpty() ? "" : " stroke-dasharray=\"" + dashes + "\""));
    }

    /** Text with a white outline under it, so that a line crossing it does not hide it. */
    private static void text(StringBuilder svg, String kind, double x, double y, int size, String anchor,
                             String weight, String content) {
        svg.append(String.format(Locale.ROOT, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" "
                + "text-anchor=\"%s\" font-weight=\"%s\" stroke=\"white\" stroke-width=\"5\" paint-order=\"stroke\">"
                + "%s</text>%n", kind, x, y, size, anchor, weight, escape(content)));
    }

    private static double oneConnectionSeconds(List<Run> runs) {
        return runs.stream().filter(r -> r.connections() == 1).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no run over one connection to compare with"))
                .seconds();
    }

    /** 8 s, 0.5 s, 0.25 s, 2.44 s: as few digits as the value needs, at most two decimals. */
    static String seconds(double value) {
        String text = String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
        return text + " s";
    }

    private static double log2(double value) {
        return Math.log(value) / Math.log(2);
    }

    private static int log2Ceil(int value) {
        return 32 - Integer.numberOfLeadingZeros(value - 1);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
