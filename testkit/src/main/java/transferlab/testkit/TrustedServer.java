package transferlab.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the grader's own servers share: a listener on loopback, a thread per client, every socket
 * closed on {@link #close}. The grader judges a client against one of these, never against the
 * kit's stage servers, because in a student tree those are the student's exercises (stubs until
 * done). Each subclass is the plain, happy-path form of one protocol (resources/protocols/):
 * correct bytes, sensible errors, none of the stages' limits, pools or event loops.
 */
public abstract class TrustedServer implements ServerUnderTest {
    /** How long a read waits for a silent client: long beside every check, short beside a hang. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final ServerSocket listener;
    private final Path directory;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    protected TrustedServer(Path directory, String name) throws IOException {
        this.directory = directory;
        this.listener = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::acceptForever, name + "-accept");
        accepting.setDaemon(true);
        accepting.start();
    }

    /** One client's whole exchange; the socket is closed afterwards. */
    protected abstract void serve(Socket client) throws IOException;

    private void acceptForever() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(client);
            Thread serving = new Thread(() -> {
                try (client) {
                    client.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
                    serve(client);
                } catch (IOException | RuntimeException e) {
                    // a broken client hurts nobody else; the check judges what the client saw
                } finally {
                    open.remove(client);
                }
            }, Thread.currentThread().getName().replace("-accept", "-client"));
            serving.setDaemon(true);
            serving.start();
        }
    }

    /** Reads up to {@code '\n'} (not kept), at most {@code limit} bytes; null at the end of the stream. */
    static String readLine(java.io.InputStream in, int limit) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0 || line.size() >= limit) {
                return null;
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** A plain file name: 1 to 255 UTF-8 bytes, no separator or control character, not hidden. */
    static boolean isPlainName(String name) {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 255 || name.startsWith(".")) {
            return false;
        }
        return name.chars().noneMatch(c -> c == '/' || c == '\\' || Character.isISOControl(c));
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    @Override
    public Optional<Path> directory() {
        return Optional.of(directory);
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket client : open) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
