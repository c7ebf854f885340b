package transferlab.ranged;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars for a ranged download: one total and one per connection (at most
 * {@link #MAX_CONNECTION_BARS}), stacked on a terminal. Shown only where a person is watching: when
 * {@code System.console()} is not null and the download has taken more than {@link #SHOW_AFTER}.
 * Otherwise it counts and shows nothing. Safe to call from every receiving thread.
 */
final class DownloadProgress implements AutoCloseable {
    static final Duration SHOW_AFTER = Duration.ofSeconds(1);
    /** More bars than this do not fit a terminal; beyond it only the total is shown. */
    static final int MAX_CONNECTION_BARS = 16;

    private final String label;
    private final int threads;
    private final BlockLayout layout; // null while the size is unknown (a reply without "size")
    private final boolean enabled;
    private final long startedAt = System.nanoTime();
    private final AtomicLongArray perBlock;
    private final AtomicLong total = new AtomicLong();
    private volatile ProgressBar[] bars; // [0] is the total
    private boolean closed;

    private DownloadProgress(String label, int threads, BlockLayout layout, boolean enabled) {
        this.label = label;
        this.threads = threads;
        this.layout = layout;
        this.enabled = enabled;
        this.perBlock = new AtomicLongArray(threads);
    }

    static DownloadProgress onTerminal(String label, BlockLayout layout) {
        return new DownloadProgress(label, layout.threads(), layout, System.console() != null);
    }

    /** For a download whose size the server did not say: the bars count bytes without a total. */
    static DownloadProgress onTerminal(String label, int threads) {
        return new DownloadProgress(label, threads, null, System.console() != null);
    }

    /** Block {@code block}'s current attempt received {@code bytes} more (negative: an attempt's bytes lost). */
    void advance(int block, long bytes) {
        long blockNow = perBlock.addAndGet(block, bytes);
        long totalNow = total.addAndGet(bytes);
        if (!enabled) {
            return;
        }
        ProgressBar[] shown = bars;
        if (shown == null && System.nanoTime() - startedAt >= SHOW_AFTER.toNanos()) {
            shown = create();
        }
        if (shown != null) {
            shown[0].stepTo(totalNow);
            if (block + 1 < shown.length) {
                shown[block + 1].stepTo(blockNow);
            }
        }
    }

    private synchronized ProgressBar[] create() {
        if (bars == null && !closed) {
            int connectionBars = threads <= MAX_CONNECTION_BARS ? threads : 0;
            ProgressBar[] created = new ProgressBar[1 + connectionBars];
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startedAt); // speeds count from the start
            created[0] = bar(label + " (" + threads + " connections)", layout == null ? -1 : layout.size(), elapsed);
            for (int block = 0; block < connectionBars; block++) {
                created[block + 1] = bar("  block " + block, layout == null ? -1 : layout.length(block), elapsed);
            }
            bars = created;
        }
        return bars;
    }

    private static ProgressBar bar(String task, long max, Duration elapsed) {
        return new ProgressBarBuilder()
                .startsFrom(0, elapsed)
                .setTaskName(task)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" MiB", 1 << 20)
                .showSpeed()
                .setUpdateIntervalMillis(200)
                .setConsumer(new InteractiveConsoleProgressBarConsumer(System.err))
                .build();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (bars != null) {
            for (int i = bars.length - 1; i >= 0; i--) {
                bars[i].close();
            }
        }
    }
}
