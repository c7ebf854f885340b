package transferlab.grading.checks;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.ExtendWith;
import transferlab.contract.upload.StoredNames;
import transferlab.contract.upload.UploadContract;
import transferlab.contract.upload.UploadServerFactory;
import transferlab.contract.upload.UploadTestLimits;
import transferlab.grading.CheckRunExtension;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.CommandLineTemplate;

/**
 * The protocol U contract, run by {@code ./transfer check upload} against the target the runner
 * passes in ({@link CheckTarget}, through {@link CheckRunExtension}): a server started from
 * {@code --server-cmd} for each test, or the one
 * at {@code --target}. The limits a test chooses reach a server command through the placeholders
 * {@code {max-size}} (bytes), {@code {idle-timeout}}, {@code {deadline}} and {@code {header-settle}}
 * (seconds, e.g. 0.4); a command that leaves one out runs with limits of its own, and the tests
 * that depend on a limit are N/A ({@link #placeholders}). Every test is {@link UploadContract}'s, the
 * same our servers pass, except that a stored file is also found under seed 004's names
 * ({@code NAME.temp}, {@code NAME.temp<digits>}) or under the patterns of {@code --stored-name}.
 */
@ExtendWith(CheckRunExtension.class)
public final class ExternalUploadCheck extends UploadContract {
    private final StoredNames storedNames;

    public ExternalUploadCheck(CheckTarget target) {
        super(new UploadServerFactory("graded server", target.concurrent(),
                (directory, limits) -> target.startServer(directory, placeholders(target.command(), limits))));
        storedNames = target.storedNames();
    }

    /** Seed 004's names ({@code NAME.temp}, {@code NAME.temp<digits>}) or those of {@code --stored-name}. */
    @Override
    protected StoredNames storedNames() {
        return storedNames;
    }

    /**
     * The limit placeholders for a test's limits. A server keeps the spec's settle window (50 ms) on
     * its own, so {@code {header-settle}} counts as a limit the test asked for only when the test
     * changed the window: a command without it is not "running with limits of its own" otherwise.
     */
    public static Map<String, String> placeholders(String command, UploadTestLimits limits) {
        Map<String, String> placeholders = new TreeMap<>(Map.of("max-size", Long.toString(limits.maxContentBytes()),
                "idle-timeout", seconds(limits.idleTimeout()),
                "deadline", seconds(limits.transferDeadline())));
        if (!limits.headerSettle().equals(UploadTestLimits.SPEC_HEADER_SETTLE)
                || command != null && CommandLineTemplate.uses(command, "header-settle")) {
            placeholders.put("header-settle", seconds(limits.headerSettle()));
        }
        return placeholders;
    }

    public static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
    }
}
