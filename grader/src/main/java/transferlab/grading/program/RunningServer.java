package transferlab.grading.program;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import transferlab.testkit.ServerUnderTest;
import transferlab.contract.SuiteScope;

/**
 * A server somebody else started ({@code --target HOST:PORT}). The suite cannot look into its
 * directory, so tests that need to are not applicable, and closing it does nothing.
 */
public final class RunningServer implements ServerUnderTest, SuiteScope.FixedLimits {
    private final InetSocketAddress address;

    RunningServer(InetSocketAddress address) {
        this.address = address;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public Optional<Path> directory() {
        return Optional.empty();
    }

    @Override
    public String fixedLimitsReason() {
        return "a server started by somebody else (--target) runs with its own limits";
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
