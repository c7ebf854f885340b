package transferlab.deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The two clocks of every transfer (upload.md U12 idle timeout, U13 transfer deadline; ft.md F13,
 * F14; update.md D14), run on made-up nanoTime values: nothing here waits.
 */
class DeadlineTest {
    private static final long MS = 1_000_000;
    private static final long T0 = 5_000 * MS; // any nanoTime value will do
    private static final Duration IDLE = Duration.ofMillis(300);
    private static final Duration TOTAL = Duration.ofMillis(1000);

    @Test
    void aSilentPeerMeetsTheIdleTimeout() {
        Deadline deadline = Deadline.start(T0, IDLE, TOTAL);
        assertThat(deadline.passed(T0 + 299 * MS)).isNull();
        assertThat(deadline.passed(T0 + 300 * MS)).isEqualTo(Deadline.Passed.IDLE_TIMEOUT);
        assertThat(deadline.message(Deadline.Passed.IDLE_TIMEOUT)).contains("300 ms").contains("idle timeout");
    }

    @Test
    void progressRestartsTheIdleClockButNotTheDeadline() {
        Deadline deadline = Deadline.start(T0, IDLE, TOTAL);
        for (long t = 200; t <= 800; t += 200) {
            deadline.progress(T0 + t * MS); // a trickle: never silent for 300 ms
        }
        assertThat(deadline.passed(T0 + 999 * MS)).isNull();
        assertThat(deadline.passed(T0 + 1000 * MS)).isEqualTo(Deadline.Passed.TRANSFER_DEADLINE);
        assertThat(deadline.message(Deadline.Passed.TRANSFER_DEADLINE)).contains("1000 ms");
    }

    @Test
    void theDeadlineIsReportedWhenBothClocksHaveRunOut() {
        Deadline deadline = Deadline.start(T0, IDLE, TOTAL);
        assertThat(deadline.passed(T0 + 2000 * MS)).isEqualTo(Deadline.Passed.TRANSFER_DEADLINE);
    }

    @Test
    void theNextWaitEndsAtTheNearerClockRoundedUpToWholeMilliseconds() {
        Deadline deadline = Deadline.start(T0, IDLE, TOTAL);
        assertThat(deadline.nextExpiry()).isEqualTo(T0 + 300 * MS);
        assertThat(deadline.nextWaitMillis(T0 + MS / 2)).isEqualTo(300); // 299.5 ms: never wake too early
        deadline.progress(T0 + 900 * MS);
        assertThat(deadline.nextExpiry()).isEqualTo(T0 + 1000 * MS); // the deadline is nearer now
        assertThat(deadline.nextWaitMillis(T0 + 900 * MS)).isEqualTo(100);
        assertThat(deadline.nextWaitMillis(T0 + 5000 * MS)).as("0 would mean forever").isEqualTo(1);
    }

    @Test
    void checkThrowsWhichClockRanOut() {
        Deadline deadline = Deadline.start(T0, IDLE, TOTAL);
        assertThatThrownBy(() -> deadline.check(T0 + 300 * MS))
                .isInstanceOfSatisfying(DeadlinePassedException.class,
                        e -> assertThat(e.passed()).isEqualTo(Deadline.Passed.IDLE_TIMEOUT));
    }

    @Test
    void anIdleOnlyClockHasNoDeadline() {
        Deadline reply = Deadline.idleOnly(T0, IDLE);
        reply.progress(T0 + 100_000 * MS);
        assertThat(reply.passed(T0 + 100_299 * MS)).isNull();
        assertThat(reply.passed(T0 + 100_300 * MS)).isEqualTo(Deadline.Passed.IDLE_TIMEOUT);
    }

    @Test
    void anotherIdleWindowKeepsTheSameDeadline() {
        Deadline deadline = Deadline.start(T0, IDLE, TOTAL);
        Deadline settle = deadline.withIdleTimeout(T0 + 990 * MS, Duration.ofMillis(50));
        assertThat(settle.nextExpiry()).isEqualTo(T0 + 1000 * MS);
        assertThat(settle.passed(T0 + 1000 * MS)).isEqualTo(Deadline.Passed.TRANSFER_DEADLINE);
        Deadline early = deadline.withIdleTimeout(T0, Duration.ofMillis(50));
        assertThat(early.passed(T0 + 50 * MS)).isEqualTo(Deadline.Passed.IDLE_TIMEOUT);
    }

    @Test
    void clocksCompareByDifferenceSoNanoTimeMayWrapAround() {
        long nearWrap = Long.MAX_VALUE - 100 * MS;
        Deadline deadline = Deadline.start(nearWrap, IDLE, TOTAL);
        assertThat(deadline.passed(nearWrap + 299 * MS)).isNull(); // overflows to a negative long
        assertThat(deadline.passed(nearWrap + 300 * MS)).isEqualTo(Deadline.Passed.IDLE_TIMEOUT);
    }

    @Test
    void aZeroOrNegativeLimitIsRefusedWithItsValue() {
        assertThatThrownBy(() -> Deadline.start(T0, Duration.ZERO, TOTAL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idle timeout").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> Deadline.start(T0, IDLE, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transfer deadline");
    }
}
