package transferlab.testkit;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A running server that a contract test talks to: one of ours started in-process, a program started
 * from a command line, or a server somebody else already runs. Closing it stops what the suite
 * started (and nothing else).
 */
public interface ServerUnderTest extends AutoCloseable {
    /** Where clients connect. */
    InetSocketAddress address();

    /** The directory the server stores into or serves from, when the suite can look into it. */
    Optional<Path> directory();

    @Override
    void close();
}
