package transferlab.grading.program;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import transferlab.testkit.LoopbackPorts;
import transferlab.testkit.SuiteTimeouts;
import transferlab.testkit.TcpProxy;

/**
 * The ports a grading hands out, as options set them: {@code --server-port N} (a server whose
 * command has no {@code {port}} and listens on N), {@code --client-port N} (a client that connects
 * to N: our reference server listens there), {@code --port-range LO-HI} (a program that accepts
 * only some ports: every port handed out, {@code {port}}, {@code {dataport}}, the reference
 * server's and a proxy's, lies in it). 0 and an empty range: as the grader likes.
 *
 * @param server the fixed port of the graded server (0: none)
 * @param client the fixed port the graded client connects to (0: none)
 * @param low    the lowest port to hand out (0: no range)
 * @param high   the highest port to hand out
 */
public record Ports(int server, int client, int low, int high) {
    /** Nothing fixed, no range. */
    public static final Ports ANY = new Ports(0, 0, 0, 0);
    /**
     * How long the grader waits for a fixed port to be free again (scaled by the timeout factor): a
     * connection the server closed first keeps the port in TIME_WAIT for 60 s on Linux, and a
     * server without SO_REUSEADDR (the Python templates) cannot bind it until then. Less than a
     * test's own timeout (60 s), inside which the wait happens; the proxy in front of a fixed-port
     * server ({@link TcpProxy#resettingTargetClosingFirst}) makes such waits rare.
     */
    static final Duration FREE_WITHIN = Duration.ofSeconds(40);
    /** Time spent waiting for fixed ports, per grading run (its log directory), in nanoseconds. */
    private static final Map<Path, Long> WAITED = new ConcurrentHashMap<>();

    public Ports {
        for (int port : new int[] {server, client, low, high}) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
        }
        if (low > high || (low == 0) != (high == 0)) {
            throw new IllegalArgumentException("not a port range: " + low + "-" + high);
        }
    }

    /** {@code LO-HI}, e.g. {@code 40000-65000}. */
    public static Ports range(String text) {
        String[] ends = text.strip().split("-");
        try {
            if (ends.length == 2) {
                return new Ports(0, 0, Integer.parseInt(ends[0].strip()), Integer.parseInt(ends[1].strip()));
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + text + "' is not a port range LO-HI, e.g. 40000-65000");
    }

    public Ports withServer(int port) {
        return new Ports(port, client, low, high);
    }

    public Ports withClient(int port) {
        return new Ports(server, port, low, high);
    }

    public Ports withRange(Ports range) {
        return new Ports(server, client, range.low, range.high);
    }

    /** A free port to hand out: in the range when there is one. */
    public int free() throws IOException {
        return low == 0 ? LoopbackPorts.free() : LoopbackPorts.freeIn(low, high);
    }

    /** A port for a listener of ours (0: any, where no range says otherwise). */
    public int forOurListener() throws IOException {
        return low == 0 ? 0 : LoopbackPorts.freeIn(low, high);
    }

    /** "12000,0,40000,65000", for a configuration parameter. */
    String encoded() {
        return server + "," + client + "," + low + "," + high;
    }

    static Ports decoded(String text) {
        String[] parts = text.split(",");
        return new Ports(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                Integer.parseInt(parts[3]));
    }

    /**
     * Waits until {@code port} can be bound without SO_REUSEADDR, as a student's server binds it: no
     * listener, no connection in TIME_WAIT on it. The time it took counts against the run logging to
     * {@code logDirectory} ({@link #waitedFor}).
     */
    static void awaitFree(int port, Path logDirectory) {
        long started = System.nanoTime();
        try {
            await("port " + port + " free").atMost(SuiteTimeouts.scaled(FREE_WITHIN)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100)).until(() -> bindable(port));
        } catch (ConditionTimeoutException stillTaken) {
            throw new ServerDidNotStart("port " + port + " (--server-port) was still in use after "
                    + SuiteTimeouts.scaled(FREE_WITHIN).toSeconds() + " s: " + (ProcessGroup.isListening(port)
                    ? "a program listens there (an earlier server still running, or another program?)"
                    : "no program listens there, so connections on it are in TIME_WAIT (a connection the server "
                    + "closed first keeps it for a minute; a server that sets SO_REUSEADDR does not wait)"));
        } finally {
            long waited = System.nanoTime() - started;
            if (waited > TimeUnit.MILLISECONDS.toNanos(50)) {
                WAITED.merge(logDirectory, waited, Long::sum);
            }
        }
    }

    /** Binds a listener of ours on a given port; a port held by another socket is a {@link BindException}. */
    @FunctionalInterface
    public interface Binder<T> {
        T bind(int port) throws IOException;
    }

    /**
     * Binds one of our listeners on the graded client's fixed port ({@code --client-port}), tried
     * again while another socket holds the port, for up to {@link #FREE_WITHIN} (scaled). Once a CI
     * run's next test found the port held for a moment by something it could not name; a wait is
     * noted in the run's warnings with the holder, when one can be seen ({@link CommandServer#portsHeld}).
     */
    public static <T> T bindWhenFree(int port, Path logDirectory, Binder<T> binder) throws IOException {
        AtomicReference<T> bound = new AtomicReference<>();
        AtomicReference<String> holder = new AtomicReference<>();
        long started = System.nanoTime();
        try {
            await("port " + port + " free for our listener").atMost(SuiteTimeouts.scaled(FREE_WITHIN))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(() -> {
                        try {
                            bound.set(binder.bind(port));
                            return true;
                        } catch (BindException held) {
                            holder.compareAndSet(null, ProcessGroup.isListening(port) ? ProcessGroup.holderOf(port)
                                    : "no listener: a socket of a connection, bound to it");
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException stillHeld) {
            throw new BindException("port " + port + " (--client-port) was still held after "
                    + SuiteTimeouts.scaled(FREE_WITHIN).toSeconds() + " s (" + holder.get() + ")");
        }
        if (holder.get() != null) {
            CommandServer.noteHeld(logDirectory, String.format(Locale.ROOT, "port %d (--client-port) was held "
                    + "(%s) for %.1f s before our listener could take it", port, holder.get(),
                    (System.nanoTime() - started) / 1e9));
        }
        return bound.get();
    }

    /** How long the run logging to {@code logDirectory} waited for fixed ports to be free; forgets it. */
    public static Duration waitedFor(Path logDirectory) {
        Long nanos = WAITED.remove(logDirectory);
        return nanos == null ? Duration.ZERO : Duration.ofNanos(nanos);
    }

    private static boolean bindable(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(false); // as a Python server without SO_REUSEADDR: TIME_WAIT blocks it
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
