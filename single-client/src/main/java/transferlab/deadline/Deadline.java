package transferlab.deadline;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The two clocks every transfer in this course runs against: an <b>idle timeout</b>, restarted each
 * time a byte moves, and a <b>transfer deadline</b>, fixed when the exchange starts. A client that
 * goes silent meets the first; a client that trickles one byte a second, never silent for long,
 * meets the second. Times are {@link System#nanoTime()} values, passed in, so that a test can run
 * the clocks without waiting and an event loop can use one "now" for all its connections.
 *
 * <p>One idea, whichever way a server waits:
 * <pre>
 *   // blocking I/O (UploadHandler, FtHandler): each read waits at most until the nearer clock runs out
 *   int n = deadline.read(socket, in, buffer, 0, buffer.length); // DeadlinePassedException says which clock
 *   // a selector that waits for one channel (DataConnection)
 *   deadline.check(now); selector.select(deadline.nextWaitMillis(now));
 *   // an event loop (EventLoopUploadServer, UpdateServer): fire what is due, select() until the nearest expiry
 *   selector.select(Deadline.fireExpired(connections, System.nanoTime()));
 * </pre>
 * Not thread-safe: one connection's deadline belongs to the thread (or loop) serving it.
 */
public final class Deadline {
    /** Which clock ran out. */
    public enum Passed {
        /** No byte moved for the idle timeout. */
        IDLE_TIMEOUT,
        /** The whole exchange took longer than the transfer deadline. */
        TRANSFER_DEADLINE
    }

    private final Duration idleTimeout;
    private final Duration transferDeadline; // null: no deadline, the idle timeout only
    private final long endsAt;
    private long idleEndsAt;

    private Deadline(long now, Duration idleTimeout, Duration transferDeadline, long endsAt) {
        this.idleTimeout = requirePositive(idleTimeout, "idle timeout");
        this.transferDeadline = transferDeadline;
        this.endsAt = endsAt;
        this.idleEndsAt = now + idleTimeout.toNanos();
    }

    /** Both clocks start at {@code now}. */
    public static Deadline start(long now, Duration idleTimeout, Duration transferDeadline) {
        requirePositive(transferDeadline, "transfer deadline");
        return new Deadline(now, idleTimeout, transferDeadline, now + transferDeadline.toNanos());
    }

    /** The idle timeout only, with no deadline: e.g. for a last reply, sent even after the deadline refused. */
    public static Deadline idleOnly(long now, Duration idleTimeout) {
        return new Deadline(now, idleTimeout, null, Long.MAX_VALUE);
    }

    /**
     * The same transfer deadline with another idle window starting {@code now}: the upload header's
     * settle window, which ends the header when no byte follows within it.
     */
    public Deadline withIdleTimeout(long now, Duration otherIdleTimeout) {
        return new Deadline(now, otherIdleTimeout, transferDeadline, endsAt);
    }

    /** A byte moved at {@code now}: the idle clock starts again. */
    public void progress(long now) {
        idleEndsAt = now + idleTimeout.toNanos();
    }

    /** Which clock has run out at {@code now}, the deadline first if both have; null while neither has. */
    public Passed passed(long now) {
        if (transferDeadline != null && now - endsAt >= 0) {
            return Passed.TRANSFER_DEADLINE;
        }
        if (now - idleEndsAt >= 0) {
            return Passed.IDLE_TIMEOUT;
        }
        return null;
    }

    /** Throws if a clock has run out at {@code now}; the exception says which, with {@link #message}. */
    public void check(long now) throws DeadlinePassedException {
        Passed passed = passed(now);
        if (passed != null) {
            throw new DeadlinePassedException(passed, message(passed));
        }
    }

    /**
     * One blocking read from {@code socket}'s stream {@code in} that waits no longer than this
     * deadline allows: the byte count, or -1 at the end of the stream, as {@link InputStream#read}.
     * Bytes read count as progress. When a clock runs out first it throws
     * {@link DeadlinePassedException}.
     */
    public int read(Socket socket, InputStream in, byte[] buffer, int offset, int length) throws IOException {
        while (true) {
            long now = System.nanoTime();
            check(now);
            socket.setSoTimeout(nextWaitMillis(now));
            try {
                int n = in.read(buffer, offset, length);
                if (n > 0) {
                    progress(System.nanoTime());
                }
                return n;
            } catch (SocketTimeoutException woke) {
                // A clock ran out: check() above says which. Each turn waits at least 1 ms, and the clocks end.
            }
        }
    }

    /** The moment the nearer clock runs out, as a {@link System#nanoTime()} value. */
    public long nextExpiry() {
        return transferDeadline == null ? idleEndsAt : earlier(idleEndsAt, endsAt);
    }

    /**
     * How long a blocking wait may last from {@code now}, in milliseconds for {@code setSoTimeout}
     * or {@code select}: rounded up, so that a wait never ends before the clock has run out, and at
     * least 1 (0 means "forever" to both).
     */
    public int nextWaitMillis(long now) {
        return (int) Math.min(Integer.MAX_VALUE, millisUntil(nextExpiry(), now));
    }

    /** Milliseconds from {@code now} until {@code moment} (nanoTime values), rounded up, at least 1. */
    public static long millisUntil(long moment, long now) {
        long nanos = moment - now;
        if (nanos <= 0) {
            return 1;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos) + (nanos % 1_000_000 == 0 ? 0 : 1));
    }

    /**
     * For an event loop: the timeout of {@code select} when the nearest expiry of all its connections
     * is {@code nanosAway} from now: whole milliseconds rounded up (never wake too early), at least 1;
     * 0, which makes select wait for an event only, when {@code nanosAway} is {@link Long#MAX_VALUE}
     * (no connection has a clock running).
     */
    public static long selectTimeout(long nanosAway) {
        return nanosAway == Long.MAX_VALUE ? 0 : millisUntil(nanosAway, 0);
    }

    /**
     * One pass of an event loop's timers: calls {@link Expiring#onTimer} on every connection whose
     * clock has run out at {@code now}, removes those that closed, and returns the timeout for the
     * loop's next {@code select}, until the nearest expiry left ({@link #selectTimeout}). A pass looks
     * at every connection; that is cheap next to the reads it sits between, even for thousands.
     */
    public static long fireExpired(Collection<? extends Expiring> connections, long now) {
        long next = Long.MAX_VALUE;
        List<Expiring> expired = new ArrayList<>(0);
        for (Expiring connection : connections) {
            long expiry = connection.nextExpiry();
            if (now - expiry >= 0) {
                expired.add(connection);
            } else {
                next = Math.min(next, expiry - now);
            }
        }
        for (Expiring connection : expired) {
            connection.onTimer(now);
            if (connection.isClosed()) {
                connections.remove(connection);
            } else {
                next = Math.min(next, connection.nextExpiry() - now); // it moved on, with a new clock
            }
        }
        return selectTimeout(next);
    }

    /** The earlier of two {@link System#nanoTime()} moments (compared by difference, as nanoTime must be). */
    public static long earlier(long a, long b) {
        return a - b <= 0 ? a : b;
    }

    /**
     * The reason, for a log line or a refusal's detail: {@code "no byte moved for 300 ms (the idle
     * timeout)"} or {@code "the transfer deadline of 900000 ms passed"}. Protocols whose replies name
     * what they waited for word their own, from {@link #idleTimeout()} and {@link #transferDeadline()}.
     */
    public String message(Passed passed) {
        return passed == Passed.IDLE_TIMEOUT
                ? "no byte moved for " + idleTimeout.toMillis() + " ms (the idle timeout)"
                : "the transfer deadline of " + transferDeadline.toMillis() + " ms passed";
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The transfer deadline, counted from the start; {@link Duration#ZERO} for {@link #idleOnly}. */
    public Duration transferDeadline() {
        return transferDeadline == null ? Duration.ZERO : transferDeadline;
    }

    private static Duration requirePositive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("the " + what + " must be positive, not " + duration);
        }
        return duration;
    }
}
