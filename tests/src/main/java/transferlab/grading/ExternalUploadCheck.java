package transferlab.grading;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import transferlab.contract.upload.UploadContract;
import transferlab.contract.upload.UploadServerFactory;
import transferlab.upload.UploadLimits;

/**
 * The protocol U contract, run by {@code ./transfer check upload} against the target the runner
 * set ({@link CheckTarget}): a server started from {@code --server-cmd} for each test, or the one
 * at {@code --target}. The limits a test chooses reach a server command through the placeholders
 * {@code {max-size}} (bytes), {@code {idle-timeout}}, {@code {deadline}} and {@code {header-settle}}
 * (seconds, e.g. 0.4); a command that leaves one out runs with limits of its own, and the tests
 * that depend on a limit are N/A. Every test is {@link UploadContract}'s, the same our servers pass.
 */
public final class ExternalUploadCheck extends UploadContract {
    public ExternalUploadCheck() {
        super(new UploadServerFactory("graded server", CheckTarget.current().concurrent(),
                (directory, limits) -> CheckTarget.current().startServer(directory, placeholders(limits))));
    }

    static Map<String, String> placeholders(UploadLimits limits) {
        return Map.of("max-size", Long.toString(limits.maxContentBytes()),
                "idle-timeout", seconds(limits.idleTimeout()),
                "deadline", seconds(limits.transferDeadline()),
                "header-settle", seconds(limits.headerSettle()));
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
    }
}
