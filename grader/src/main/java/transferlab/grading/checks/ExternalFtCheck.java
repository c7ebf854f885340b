package transferlab.grading.checks;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import transferlab.testkit.ServerUnderTest;
import transferlab.contract.ft.FtContract;
import transferlab.grading.CheckRunExtension;
import transferlab.grading.program.CheckTarget;

/**
 * The protocol F contract, run by {@code ./transfer check ft} against a server started from
 * {@code --server-cmd "... {port} {dir}"}: the suite fills {@code {dir}} with known files first.
 * {@code {idle-timeout}} (seconds) tells the server the idle timeout the suite expects; without it
 * the server is assumed to drop a silent client within {@link CheckTarget#ASSUMED_OWN_IDLE_TIMEOUT}.
 * With {@code --target} nothing applies: the suite must choose the files a server serves.
 */
@ExtendWith(CheckRunExtension.class)
public final class ExternalFtCheck extends FtContract {
    private final CheckTarget target;

    public ExternalFtCheck(CheckTarget target) {
        this.target = target;
    }

    @Override
    protected ServerUnderTest startServer(Path servedDirectory) {
        return target.startServerOverSuiteFiles(servedDirectory,
                "protocol F is graded only with --server-cmd: the suite puts known files into the served "
                        + "directory {dir} and checks what LIST and GET return",
                CheckTarget.idleTimeoutPlaceholder());
    }

    @Override
    protected Duration serverIdleTimeout() {
        return target.serverIdleTimeout();
    }
}
