package transferlab.grading.checks;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import transferlab.testkit.ServerUnderTest;
import transferlab.contract.update.UpdateContract;
import transferlab.grading.CheckRunExtension;
import transferlab.grading.program.CheckTarget;

/**
 * The protocol D contract, run by {@code ./transfer check update} against a server started from
 * {@code --server-cmd "... {port} {dir}"}, where {@code {dir}} is the outbox the suite fills with
 * client queues. {@code {idle-timeout}} (seconds) gives the server the idle timeout the suite
 * expects; without it the server is assumed to keep {@link CheckTarget#ASSUMED_OWN_IDLE_TIMEOUT}.
 * With {@code --target} nothing applies: the suite must put files into the outbox.
 * Every test is {@link UpdateContract}'s, the same our server passes.
 */
@ExtendWith(CheckRunExtension.class)
public final class ExternalUpdateCheck extends UpdateContract {
    private final CheckTarget target;

    public ExternalUpdateCheck(CheckTarget target) {
        this.target = target;
    }

    @Override
    protected ServerUnderTest startServer(Path outbox) {
        return target.startServerOverSuiteFiles(outbox,
                "protocol D is graded only with --server-cmd: the suite puts files into the outbox {dir} "
                        + "and checks what each client is offered",
                CheckTarget.idleTimeoutPlaceholder());
    }

    @Override
    protected Duration idleTimeout() {
        return target.serverIdleTimeout();
    }
}
