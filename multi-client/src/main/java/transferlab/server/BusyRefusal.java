package transferlab.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Turns one connection away when a server is at its limit: the protocol's own "busy" answer (the
 * {@code busy} handler writes it, e.g. {@code error busy: …\n} for uploads), then an orderly close.
 *
 * <p>Why not just {@code close()}: if the client's first bytes are still unread when a socket
 * closes, TCP answers with a reset, and a reset can overtake the refusal line on its way. So the
 * line goes first, then end-of-stream ({@code shutdownOutput}), then whatever already arrived is
 * discarded (never waited for: the accept loop must not block on a client it turns away).
 *
 * <p>The blocking servers ({@link ThreadPerClientServer}, {@link PooledServer}) and the two event
 * loops ({@code EventLoopUploadServer}, {@code UpdateServer}) and the ranged server's control port
 * (an HTTP 503) all turn a connection away here, the same way; only the answer differs with the
 * protocol (protocol D has none: see update.md, D14).
 */
public final class BusyRefusal {
    private static final int MAX_DISCARD_BYTES = 64 * 1024;

    private BusyRefusal() {
    }

    /** For a blocking server: {@code busy} writes the protocol's answer (a few bytes: the write must not block). */
    public static void refuse(Socket connection, ConnectionHandler busy, ServerLog log, String why) {
        log.event(connection.getRemoteSocketAddress(), "refused (busy): " + why);
        try (connection) {
            busy.handle(connection);
            connection.shutdownOutput();
            InputStream in = connection.getInputStream();
            for (int discarded = 0, n; discarded < MAX_DISCARD_BYTES && (n = in.available()) > 0; discarded += n) {
                in.skipNBytes(n);
            }
        } catch (IOException | RuntimeException e) {
            // The client is gone already; there is nobody left to tell.
        }
    }

    /** For an event loop: {@code line} (empty if the protocol has none) on a non-blocking channel; never waits. */
    public static void refuse(SocketChannel channel, byte[] line, ServerLog log, String why) {
        log.event(channel.socket().getRemoteSocketAddress(), "refused (busy): " + why);
        try (channel) {
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(line)); // a line is far smaller than a socket's send buffer
            channel.shutdownOutput();
            ByteBuffer discard = ByteBuffer.allocate(8 * 1024);
            for (int discarded = 0, n = 1; discarded < MAX_DISCARD_BYTES && n > 0; discarded += n) {
                discard.clear();
                n = channel.read(discard);
            }
        } catch (IOException | RuntimeException e) {
            // The client is gone already; there is nobody left to tell.
        }
    }
}
