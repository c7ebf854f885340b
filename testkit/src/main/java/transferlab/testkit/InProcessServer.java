package transferlab.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * One of our own servers, serving on a background thread of the test JVM. The kit knows no stage,
 * so it takes a server by its three parts; for a stage's {@code TcpServer} that is
 * <pre>
 *   InProcessServer.serve("iterative", directory, server.address(), server::serve, server)
 * </pre>
 * Stage 2's tests add {@link #counting} to watch how many connections the server holds.
 */
public final class InProcessServer implements ServerUnderTest {
    /** The server's accept loop: returns once the server is closed. */
    @FunctionalInterface
    public interface ServeLoop {
        void serve() throws IOException;
    }

    private final Closeable server;
    private final int port;
    private final Path directory;
    private final Thread thread;
    private IntSupplier held = () -> {
        throw new UnsupportedOperationException("this server was started without a connection count");
    };

    private InProcessServer(String name, Path directory, InetSocketAddress bound, ServeLoop loop, Closeable server) {
        this.server = server;
        this.port = bound.getPort();
        this.directory = directory;
        this.thread = new Thread(() -> {
            try {
                loop.serve();
            } catch (IOException e) {
                System.err.println(name + "-server stopped: " + e.getMessage());
            }
        }, name + "-server");
        thread.start();
    }

    /**
     * Runs {@code loop} on a thread named {@code name + "-server"}; {@link #close()} closes {@code server}.
     *
     * @param directory where the server stores or serves files ({@code null}: the suite cannot look)
     * @param bound     the address the server is bound to, with its real port
     */
    public static InProcessServer serve(String name, Path directory, InetSocketAddress bound, ServeLoop loop,
                                        Closeable server) {
        return new InProcessServer(name, directory, bound, loop, server);
    }

    /** Lets {@link #held()} report how many connections (threads, workers or loop keys) the server holds. */
    public InProcessServer counting(IntSupplier connectionsHeld) {
        this.held = connectionsHeld;
        return this;
    }

    @Override
    public InetSocketAddress address() {
        // Bound to the wildcard address or loopback; clients of the suite reach it on loopback.
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** Connections the server holds right now, as told by {@link #counting}. */
    public int held() {
        return held.getAsInt();
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
