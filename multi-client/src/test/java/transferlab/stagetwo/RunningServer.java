package transferlab.stagetwo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import transferlab.server.TcpServer;

/**
 * One of the stage 2 servers serving on a background thread of the test, with the one number the
 * limit tests watch: how many connections (threads, workers or loop keys) it holds right now.
 */
public final class RunningServer implements AutoCloseable {
    private final TcpServer server;
    private final Path directory;
    private final IntSupplier held;
    private final Thread thread;

    public RunningServer(TcpServer server, Path directory, IntSupplier held, String name) {
        this.server = server;
        this.directory = directory;
        this.held = held;
        this.thread = server.serveInBackground(name + "-server");
    }

    /** Where clients connect: loopback, on the server's port. */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.address().getPort());
    }

    public Path directory() {
        return directory;
    }

    /** Connections the server holds right now (active threads, busy workers or open keys). */
    public int held() {
        return held.getAsInt();
    }

    public TcpServer server() {
        return server;
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
