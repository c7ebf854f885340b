package transferlab.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small TCP proxy for tests: it forwards every connection to a target and can split the stream
 * into small pieces with a pause between them (as a slow network or a proxy may), and cut a
 * connection after a number of bytes (as a crash or a pulled cable would).
 *
 * <pre>
 *   try (TcpProxy proxy = TcpProxy.start(server, TcpProxy.Faults.none().splitInto(1, Duration.ofMillis(2)))) {
 *       // connect to proxy.address() instead of the server
 *   }
 * </pre>
 * The pauses are the network being simulated, not a test waiting for something.
 */
public final class TcpProxy implements AutoCloseable {
    /**
     * What the proxy does to each connection.
     *
     * @param pieceBytes    forward at most this many bytes per write (0: as they come)
     * @param pieceDelay    pause before each piece
     * @param cutUpstreamAfter   close both sides once this many client-to-server bytes were forwarded (-1: never)
     * @param cutDownstreamAfter close both sides once this many server-to-client bytes were forwarded (-1: never)
     */
    public record Faults(int pieceBytes, Duration pieceDelay, long cutUpstreamAfter, long cutDownstreamAfter) {
        public static Faults none() {
            return new Faults(0, Duration.ZERO, -1, -1);
        }

        public Faults splitInto(int bytes, Duration delay) {
            return new Faults(bytes, delay, cutUpstreamAfter, cutDownstreamAfter);
        }

        public Faults cutUpstreamAfter(long bytes) {
            return new Faults(pieceBytes, pieceDelay, bytes, cutDownstreamAfter);
        }

        public Faults cutDownstreamAfter(long bytes) {
            return new Faults(pieceBytes, pieceDelay, cutUpstreamAfter, bytes);
        }
    }

    private static final AtomicInteger PROXIES = new AtomicInteger();
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Faults faults;
    private final int faultyConnections;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger cuts = new AtomicInteger();
    private final String name = "proxy-" + PROXIES.incrementAndGet();

    private TcpProxy(ServerSocket listener, InetSocketAddress target, Faults faults, int faultyConnections) {
        this.listener = listener;
        this.target = target;
        this.faults = faults;
        this.faultyConnections = faultyConnections;
    }

    /** Listens on a free loopback port and forwards to {@code target}, applying {@code faults} to every connection. */
    public static TcpProxy start(InetSocketAddress target, Faults faults) throws IOException {
        return start(target, faults, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #start(InetSocketAddress, Faults)}, but only the first {@code faultyConnections}
     * connections suffer the faults; later ones pass untouched. A client that reconnects after a cut
     * (the ranged client asking for a block again) then gets through.
     */
    public static TcpProxy start(InetSocketAddress target, Faults faults, int faultyConnections) throws IOException {
        ServerSocket listener = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        TcpProxy proxy = new TcpProxy(listener, target, faults, faultyConnections);
        Thread acceptor = new Thread(proxy::acceptLoop, proxy.name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** How many connections the proxy has cut so far. */
    public int cuts() {
        return cuts.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // the proxy was closed
            }
            Socket server = new Socket();
            try {
                server.connect(target, 10_000);
            } catch (IOException refused) {
                // The target is gone or refused: the client sees its connection closed, as it would
                // without the proxy, and the proxy goes on accepting.
                closeQuietly(server);
                closeQuietly(client);
                continue;
            }
            open.add(client);
            open.add(server);
            AtomicInteger directionsDone = new AtomicInteger();
            Faults applied = accepted.getAndIncrement() < faultyConnections ? faults : Faults.none();
            pump(client, server, applied, applied.cutUpstreamAfter(), "up", directionsDone);
            pump(server, client, applied, applied.cutDownstreamAfter(), "down", directionsDone);
        }
    }

    private void pump(Socket from, Socket to, Faults faults, long cutAfter, String direction,
                      AtomicInteger directionsDone) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            long forwarded = 0;
            try {
                InputStream in = from.getInputStream(); // not closed here: that would close the socket
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    int offset = 0;
                    while (offset < n) {
                        int piece = faults.pieceBytes() > 0 ? Math.min(faults.pieceBytes(), n - offset) : n - offset;
                        if (cutAfter >= 0 && forwarded + piece > cutAfter) {
                            piece = (int) (cutAfter - forwarded);
                        }
                        if (!faults.pieceDelay().isZero()) {
                            TimeUnit.NANOSECONDS.sleep(faults.pieceDelay().toNanos()); // the simulated network
                        }
                        out.write(buffer, offset, piece);
                        out.flush();
                        offset += piece;
                        forwarded += piece;
                        if (cutAfter >= 0 && forwarded >= cutAfter) {
                            cuts.incrementAndGet();
                            closeQuietly(from);
                            closeQuietly(to);
                            return;
                        }
                    }
                }
                to.shutdownOutput(); // pass the end of stream on, half-close like the real peer
                if (directionsDone.incrementAndGet() == 2) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name + "-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closeQuietly(listener);
        open.forEach(TcpProxy::closeQuietly);
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
