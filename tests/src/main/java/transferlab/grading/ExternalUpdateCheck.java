package transferlab.grading;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.opentest4j.TestAbortedException;
import transferlab.contract.ServerUnderTest;
import transferlab.contract.SuiteTimeouts;
import transferlab.contract.update.UpdateContract;

/**
 * The protocol D contract, run by {@code ./transfer check update} against a server started from
 * {@code --server-cmd "... {port} {dir}"}, where {@code {dir}} is the outbox the suite fills with
 * client queues. {@code {idle-timeout}} (seconds) gives the server the idle timeout the suite
 * expects; without it the server is assumed to keep {@link #OWN_IDLE_TIMEOUT}.
 * With {@code --target} nothing applies: the suite must put files into the outbox.
 * Every test is {@link UpdateContract}'s, the same our server passes.
 */
public final class ExternalUpdateCheck extends UpdateContract {
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration OWN_IDLE_TIMEOUT = Duration.ofSeconds(30);

    @Override
    protected ServerUnderTest startServer(Path outbox) {
        CheckTarget target = CheckTarget.current();
        if (target.kind() == CheckTarget.Kind.RUNNING_SERVER) {
            throw new TestAbortedException("protocol D is graded only with --server-cmd: the suite puts files into "
                    + "the outbox {dir} and checks what each client is offered");
        }
        return target.startServer(outbox,
                Map.of("idle-timeout", ExternalUploadCheck.seconds(SuiteTimeouts.scaled(IDLE_TIMEOUT))));
    }

    @Override
    protected Duration idleTimeout() {
        String command = CheckTarget.current().command();
        return command != null && CommandLineTemplate.uses(command, "idle-timeout")
                ? SuiteTimeouts.scaled(IDLE_TIMEOUT) : OWN_IDLE_TIMEOUT;
    }
}
