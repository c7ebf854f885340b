package transferlab.ranged;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import transferlab.deadline.Deadline;

/**
 * Closes a connection that makes no progress for an idle timeout, or that runs past its deadline.
 *
 * <p>Why not {@code setSoTimeout}: a blocking {@code SocketChannel} ignores it, and the fast paths of
 * protocol R are channel operations ({@code transferTo} on the server, {@code SocketChannel.read}
 * into a direct buffer on the client); a blocked write has no timeout at all. Closing the channel
 * from this watchdog's thread makes the blocked call throw, and {@link Watch#reason()} says why.
 *
 * <p>One daemon thread checks every watched connection a few times per idle timeout, against the
 * connection's {@link Deadline}: the same two clocks as every other server of the course, polled
 * here because the waiting thread cannot time its own blocked call.
 */
public final class StallWatchdog implements AutoCloseable {
    /** The longest gap between two checks; shorter timeouts are checked more often. */
    static final Duration MAX_CHECK_PERIOD = Duration.ofSeconds(1);

    private final ScheduledThreadPoolExecutor timer;

    public StallWatchdog(String threadName) {
        timer = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        // After close(), connections already watched stay watched until they end.
        timer.setContinueExistingPeriodicTasksAfterShutdownPolicy(true);
        timer.setRemoveOnCancelPolicy(true);
    }

    /** One watched connection; {@link #cancel()} it when the connection ends normally. */
    public static final class Watch {
        private final Closeable connection;
        private final LongSupplier progress;
        private final Deadline clock; // touched by the watchdog's thread only, after the constructor
        private long lastProgress = Long.MIN_VALUE;
        private volatile String reason;
        private volatile ScheduledFuture<?> task;

        private Watch(Closeable connection, LongSupplier progress, Duration idle, Duration deadline) {
            this.connection = connection;
            this.progress = progress;
            this.clock = Deadline.start(System.nanoTime(), idle, deadline);
        }

        private void check() {
            long now = System.nanoTime();
            long current = progress.getAsLong();
            if (current != lastProgress) {
                lastProgress = current;
                clock.progress(now);
            }
            Deadline.Passed passed = clock.passed(now);
            if (passed == Deadline.Passed.TRANSFER_DEADLINE) {
                expire("ran past its deadline of " + seconds(clock.transferDeadline()));
            } else if (passed == Deadline.Passed.IDLE_TIMEOUT) {
                expire("moved no byte for " + seconds(clock.idleTimeout()));
            }
        }

        private void expire(String why) {
            reason = why;
            cancel();
            try {
                connection.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }

        /** Stops watching. */
        public void cancel() {
            ScheduledFuture<?> scheduled = task;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        /** Why the watchdog closed the connection, or null if it did not. */
        public String reason() {
            return reason;
        }

        private static String seconds(Duration duration) {
            return String.format("%.1f s", duration.toNanos() / 1e9);
        }
    }

    /**
     * Watches {@code connection}: {@code progress} must change at least every {@code idleTimeout}
     * (count bytes moved), and the whole connection must end within {@code deadline}.
     */
    public Watch watch(Closeable connection, LongSupplier progress, Duration idleTimeout, Duration deadline) {
        Watch watch = new Watch(connection, progress, idleTimeout, deadline);
        long period = Math.max(10_000_000L,
                Math.min(MAX_CHECK_PERIOD.toNanos(), Math.min(idleTimeout.toNanos(), deadline.toNanos()) / 4));
        watch.task = timer.scheduleAtFixedRate(watch::check, period, period, TimeUnit.NANOSECONDS);
        return watch;
    }

    /** Takes no new connections; those already watched stay watched until they end. */
    @Override
    public void close() {
        timer.shutdown();
    }
}
