package transferlab.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import transferlab.server.TcpServer;

/** One of our own servers, serving on a background thread of the test JVM. */
public final class InProcessServer implements ServerUnderTest {
    private final TcpServer server;
    private final Path directory;
    private final Thread thread;

    public InProcessServer(TcpServer server, Path directory, String name) {
        this.server = server;
        this.directory = directory;
        this.thread = server.serveInBackground(name + "-server");
    }

    @Override
    public InetSocketAddress address() {
        // Bound to the wildcard address; clients of the suite reach it on loopback.
        return new InetSocketAddress("127.0.0.1", server.address().getPort());
    }

    @Override
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    @Override
    public void close() {
        try {
            server.close();
            thread.join(10_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
