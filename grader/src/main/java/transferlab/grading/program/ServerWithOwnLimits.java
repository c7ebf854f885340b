package transferlab.grading.program;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import transferlab.testkit.ServerUnderTest;
import transferlab.contract.SuiteScope;

/** A started server that could not be given every limit a test asked for: those tests are N/A, saying why. */
public record ServerWithOwnLimits(ServerUnderTest server, String fixedLimitsReason)
        implements ServerUnderTest, SuiteScope.FixedLimits {
    @Override
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public Optional<Path> directory() {
        return server.directory();
    }

    @Override
    public void close() {
        server.close();
    }
}
