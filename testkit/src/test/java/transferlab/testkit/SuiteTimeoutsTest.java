package transferlab.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The timeout factor is one value per JVM, and the grader's own tests run several grading runs in one
 * JVM at once: runs with the same factor share it, a run with another factor waits until they end
 * (never runs with a factor that is not its own).
 */
class SuiteTimeoutsTest {
    private static final Duration WATCH = Duration.ofMillis(200);

    @Test
    void runsWithTheSameFactorShareItAndARunWithAnotherWaitsUntilTheyEnd() throws Exception {
        CompletableFuture<SuiteTimeouts.Installed> other = new CompletableFuture<>();
        SuiteTimeouts.Installed first = SuiteTimeouts.install(0.5);
        SuiteTimeouts.Installed second = SuiteTimeouts.install(0.5);
        try {
            assertThat(SuiteTimeouts.scaled(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(1));
            Thread thread = new Thread(() -> other.complete(SuiteTimeouts.install(3)), "run-with-factor-3");
            thread.start();

            first.close();
            await().during(WATCH).atMost(WATCH.multipliedBy(5)).until(() -> !other.isDone());
            assertThat(SuiteTimeouts.factor()).as("the second run still holds its factor").isEqualTo(0.5);

            second.close();
            try (SuiteTimeouts.Installed third = other.get(10, TimeUnit.SECONDS)) {
                assertThat(SuiteTimeouts.factor()).isEqualTo(3.0);
            }
            assertThat(SuiteTimeouts.factor()).as("none installed: the system property's")
                    .isEqualTo(SuiteTimeouts.parse(System.getProperty(SuiteTimeouts.PROPERTY)));
        } finally {
            first.close();
            second.close();
            other.thenAccept(SuiteTimeouts.Installed::close);
        }
    }
}
