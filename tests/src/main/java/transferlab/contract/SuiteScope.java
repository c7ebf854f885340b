package transferlab.contract;

import static org.junit.jupiter.api.Assumptions.assumeTrue;
import transferlab.testkit.ServerUnderTest;

/**
 * What the run grading this contract can expect of the server under test, for contracts that must
 * be fair to a student's seed-conformant server as well as strict with ours.
 *
 * <ul>
 *   <li>{@link #assumeLimitsApplied}: a test whose verdict depends on a limit it chose (a small
 *       maximum size, a short idle timeout) is not applicable to a server that could not be given
 *       those limits (a student's program started without the limit placeholders, or
 *       {@code --target}).</li>
 *   <li>{@link #assumeDirectoryVisible}: a test that looks at the files a server stored is not
 *       applicable to a server somebody else runs ({@code --target}).</li>
 * </ul>
 */
public final class SuiteScope {
    /** A server under test that runs with limits of its own, not the ones the test asked for. */
    public interface FixedLimits {
        /** Why, and how to fix it, for the verdict, e.g. "add {idle-timeout} to --server-cmd". */
        String fixedLimitsReason();
    }

    private SuiteScope() {
    }

    /** N/A unless {@code server} runs with the limits the test gave it. */
    public static void assumeLimitsApplied(ServerUnderTest server) {
        if (server instanceof FixedLimits fixed) {
            assumeTrue(false, "needs the server to run with the test's limits: " + fixed.fixedLimitsReason());
        }
    }

    /** N/A unless the suite can look into the directory the server stores into or serves from. */
    public static void assumeDirectoryVisible(ServerUnderTest server) {
        assumeTrue(server.directory().isPresent(),
                "needs to look into the server's directory (not possible with --target; use --server-cmd)");
    }
}
