package transferlab.grading;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.opentest4j.TestAbortedException;
import transferlab.contract.ServerUnderTest;
import transferlab.contract.SuiteTimeouts;
import transferlab.contract.listget.ListGetContract;

/**
 * The protocol F contract, run by {@code ./transfer check ft} against a server started from
 * {@code --server-cmd "... {port} {dir}"}: the suite fills {@code {dir}} with known files first.
 * {@code {idle-timeout}} (seconds) tells the server the idle timeout the suite expects; without it
 * the server is assumed to drop a silent client within {@link #OWN_IDLE_TIMEOUT}.
 * With {@code --target} nothing applies: the suite must choose the files a server serves.
 */
public final class ExternalListGetCheck extends ListGetContract {
    /** The idle timeout a server command is given through {@code {idle-timeout}}. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    /** What a server command without {@code {idle-timeout}} is expected to keep (our servers' default). */
    static final Duration OWN_IDLE_TIMEOUT = Duration.ofSeconds(30);

    @Override
    protected ServerUnderTest startServer(Path servedDirectory) {
        CheckTarget target = CheckTarget.current();
        if (target.kind() == CheckTarget.Kind.RUNNING_SERVER) {
            throw new TestAbortedException("protocol F is graded only with --server-cmd: the suite puts known files "
                    + "into the served directory {dir} and checks what LIST and GET return");
        }
        return target.startServer(servedDirectory,
                Map.of("idle-timeout", ExternalUploadCheck.seconds(SuiteTimeouts.scaled(IDLE_TIMEOUT))));
    }

    @Override
    protected Duration serverIdleTimeout() {
        String command = CheckTarget.current().command();
        return command != null && CommandLineTemplate.uses(command, "idle-timeout")
                ? SuiteTimeouts.scaled(IDLE_TIMEOUT) : OWN_IDLE_TIMEOUT;
    }
}
