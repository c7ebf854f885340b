package transferlab.ranged;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Progress bars for a ranged download: one total and one per block (at most
 * {@link #MAX_BLOCK_BARS}), drawn on standard error as one frame that is redrawn in place and
 * erased when the download ends, so that what the program prints next starts where the bars were.
 * Shown only where a person is watching: when {@code System.console()} is not null, bars are asked
 * for and the download has taken more than {@link #SHOW_AFTER}. Otherwise it counts and shows
 * nothing. Safe to call from every receiving thread.
 *
 * <p>The progressbar library schedules the redraws and reads the terminal's width; the frame is
 * drawn here because the library's stacked bars neither erase themselves nor fit a narrow terminal.
 * Every line is cut to the width less one column, so no line wraps and the cursor arithmetic that
 * redraws and erases the frame holds at any width. Rates count each block from its first byte to
 * its last (or to now), and the total from the start of the download, in fractions of a second.
 */
final class DownloadProgress implements AutoCloseable {
    static final Duration SHOW_AFTER = Duration.ofSeconds(1);
    /** More lines than this do not fit a terminal; beyond it only the total is shown. */
    static final int MAX_BLOCK_BARS = 16;
    private static final int REDRAW_MILLIS = 200;
    /** A bar narrower than this says nothing; the line then goes without one. */
    private static final int MIN_BAR_WIDTH = 5;
    private static final long NONE = Long.MIN_VALUE;
    private static final String CURSOR_UP = "\u001b[%dA";
    private static final String ERASE_TO_END_OF_LINE = "\u001b[K";
    private static final String ERASE_TO_END_OF_SCREEN = "\u001b[J";

    private final String label;
    private final int blocks;
    private final BlockLayout layout; // null while the size is unknown (a reply without "size")
    private final boolean enabled;
    private final LongSupplier clock; // System::nanoTime, or a test's
    private final long startedAt;
    private final AtomicLongArray perBlock;
    private final AtomicLongArray firstByteAt; // the clock at a block's first byte; NONE: none yet
    private final AtomicLongArray lastByteAt;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong totalLastByteAt = new AtomicLong();
    private volatile ProgressBar bar; // the library's bar; its consumer draws the whole frame
    private boolean closed;

    private DownloadProgress(String label, int blocks, BlockLayout layout, boolean enabled, LongSupplier clock) {
        this.label = label;
        this.blocks = blocks;
        this.layout = layout;
        this.enabled = enabled;
        this.clock = clock;
        this.startedAt = clock.getAsLong();
        this.perBlock = new AtomicLongArray(blocks);
        this.firstByteAt = new AtomicLongArray(blocks);
        this.lastByteAt = new AtomicLongArray(blocks);
        for (int block = 0; block < blocks; block++) {
            firstByteAt.set(block, NONE);
        }
    }

    /**
     * Bars for {@code layout}'s blocks taken over {@code connections}, if {@code bars} and the output
     * is a terminal.
     */
    static DownloadProgress onTerminal(String label, BlockLayout layout, int connections, boolean bars) {
        return new DownloadProgress(title(label, layout.blocks(), connections), layout.blocks(), layout,
                bars && System.console() != null, System::nanoTime);
    }

    /** For a download whose size the server did not say: the bars count bytes without a total. */
    static DownloadProgress onTerminal(String label, int blocks, int connections, boolean bars) {
        return new DownloadProgress(title(label, blocks, connections), blocks, null,
                bars && System.console() != null, System::nanoTime);
    }

    /** Counts, never draws: for tests. */
    static DownloadProgress hidden(BlockLayout layout) {
        return hidden("", layout, System::nanoTime);
    }

    /** Counts on {@code clock}, never draws; {@link #frame(int)} says what the bars would show. */
    static DownloadProgress hidden(String label, BlockLayout layout, LongSupplier clock) {
        return new DownloadProgress(label, layout.blocks(), layout, false, clock);
    }

    private static String title(String label, int blocks, int connections) {
        String over = connections == 1 ? "1 connection" : connections + " connections";
        return label + (blocks == connections ? " (" + over + ")" : " (" + blocks + " blocks, " + over + ")");
    }

    /** Block {@code block}'s current attempt received {@code bytes} more (negative: an attempt's bytes lost). */
    void advance(int block, long bytes) {
        long now = clock.getAsLong();
        perBlock.addAndGet(block, bytes);
        firstByteAt.compareAndSet(block, NONE, now);
        lastByteAt.set(block, now);
        totalLastByteAt.set(now);
        long totalNow = total.addAndGet(bytes);
        if (!enabled) {
            return;
        }
        ProgressBar shown = bar;
        if (shown == null && now - startedAt >= SHOW_AFTER.toNanos()) {
            shown = create();
        }
        if (shown != null) {
            shown.stepTo(totalNow);
        }
    }

    private synchronized ProgressBar create() {
        if (bar == null && !closed) {
            bar = new ProgressBarBuilder()
                    .setTaskName(label)
                    .setInitialMax(layout == null ? -1 : layout.size())
                    .setUpdateIntervalMillis(REDRAW_MILLIS)
                    .continuousUpdate() // a block's line moves while the total stands still (a retry)
                    .setRenderer((state, width) -> frame(width))
                    .setConsumer(new Frame(System.err))
                    .clearDisplayOnFinish()
                    .build();
        }
        return bar;
    }

    /** Every line of the frame, each at most {@code width} columns, joined by newlines. */
    String frame(int width) {
        long now = clock.getAsLong();
        long totalNow = total.get();
        boolean complete = layout != null && totalNow >= layout.size();
        long totalEnd = complete ? totalLastByteAt.get() : now;
        List<String> lines = new ArrayList<>();
        int nameWidth = blocks <= MAX_BLOCK_BARS ? Math.max(label.length(), ("  block " + (blocks - 1)).length())
                : label.length();
        lines.add(line(label, nameWidth, totalNow, layout == null ? -1 : layout.size(), rate(totalNow,
                totalEnd - startedAt), width));
        if (blocks <= MAX_BLOCK_BARS) {
            for (int block = 0; block < blocks; block++) {
                long bytes = perBlock.get(block);
                long length = layout == null ? -1 : layout.length(block);
                long first = firstByteAt.get(block);
                long end = length >= 0 && bytes >= length ? lastByteAt.get(block) : now;
                lines.add(line("  block " + block, nameWidth, bytes, length,
                        first == NONE ? "" : rate(bytes, end - first), width));
            }
        }
        return String.join("\n", lines);
    }

    /** MiB/s over {@code nanos}, to a tenth; nothing while less than a tenth of a second has passed. */
    static String rate(long bytes, long nanos) {
        return nanos < 100_000_000L ? "" : String.format("%.1f MiB/s", bytes / (double) (1 << 20) / (nanos / 1e9));
    }

    /**
     * {@code name  37% [=====>     ] 96/256 MiB  128.0 MiB/s}, at most {@code width} columns: the
     * bar takes what the words leave and goes when that is too little; then the name is shortened,
     * so that the numbers stay whole as long as they fit at all.
     */
    static String line(String name, int nameWidth, long bytes, long max, String rate, int width) {
        long mebibytes = bytes >> 20;
        String amount = max < 0 ? mebibytes + " MiB" : mebibytes + "/" + (max >> 20) + " MiB";
        String percent = max <= 0 ? "    " : String.format("%3d%%", (int) Math.min(100, 100 * bytes / max));
        String prefix = String.format("%-" + nameWidth + "s %s ", name, percent);
        String suffix = String.format(" %11s %12s", amount, rate); // 256/256 MiB  128.0 MiB/s
        int barWidth = width - prefix.length() - suffix.length() - 2;
        if (max > 0 && barWidth >= MIN_BAR_WIDTH) {
            int filled = (int) Math.min(barWidth, barWidth * bytes / max);
            String drawn = "=".repeat(filled) + (filled < barWidth ? ">" : "");
            return (prefix + "[" + drawn + " ".repeat(barWidth - drawn.length()) + "]" + suffix).stripTrailing();
        }
        String numbers = (" " + percent + " " + amount + " " + rate).replaceAll(" +", " ").stripTrailing();
        String shortened = name.substring(0, Math.max(0, Math.min(name.length(), width - numbers.length())))
                .replaceAll("[ (,]+$", ""); // not "lecture.bin (": a bracket it cannot close
        String text = shortened + numbers;
        return text.length() <= width ? text : text.substring(0, width);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (bar != null) {
            bar.close(); // draws the last frame, then erases it
        }
    }

    /**
     * Draws each frame over the one before and erases the last one; the width it offers the
     * renderer is the library's reading of the terminal, less one column.
     */
    private static final class Frame extends ConsoleProgressBarConsumer {
        private final PrintStream out;
        private int height; // lines drawn by the frame before

        Frame(PrintStream out) {
            super(out);
            this.out = out;
        }

        @Override
        public synchronized void accept(String frame) {
            StringBuilder text = new StringBuilder();
            if (height > 0) {
                text.append(String.format(CURSOR_UP, height));
            }
            String[] lines = frame.split("\n", -1);
            for (String line : lines) {
                text.append('\r').append(line).append(ERASE_TO_END_OF_LINE).append('\n');
            }
            height = lines.length;
            out.print(text);
            out.flush();
        }

        @Override
        public synchronized void clear() {
            if (height > 0) {
                out.print(String.format(CURSOR_UP, height) + "\r" + ERASE_TO_END_OF_SCREEN);
                height = 0;
            }
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
