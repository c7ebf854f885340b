package transferlab.grading;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import transferlab.testkit.ServerUnderTest;
import transferlab.contract.SuiteScope;
import transferlab.testkit.SuiteTimeouts;

/**
 * A server started from {@code --server-cmd} for one test: the template's {@code {port}} becomes a
 * free port, {@code {dir}} the test's fresh directory, {@code {host}} 127.0.0.1. It runs with
 * {@code sh -c} in the grader's working directory; its standard output and error go to a log file
 * whose tail is shown when the test fails. Closing it kills the process and its children.
 *
 * <p>Readiness: the server is ready once its port is in the LISTEN state, read from
 * {@code /proc/net/tcp} on Linux, so that no probe connection reaches it: many student servers
 * treat an empty connection as a header and crash. Elsewhere a probe connection is used.
 */
final class CommandServer implements ServerUnderTest {
    /** How long a server may take to start listening (scaled by the timeout factor). */
    static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    /** Even with a small timeout factor, an interpreter gets this long to start. */
    static final Duration MIN_START_TIMEOUT = Duration.ofSeconds(3);
    private static final AtomicInteger STARTED = new AtomicInteger();
    /** Servers started and not closed yet: the runner kills any a contract forgot after the run. */
    private static final Set<CommandServer> LIVE = ConcurrentHashMap.newKeySet();

    private final Process process;
    private final InetSocketAddress address;
    private final Path directory;
    private final Path log;
    private volatile boolean outputShown;

    private CommandServer(Process process, InetSocketAddress address, Path directory, Path log) {
        this.process = process;
        this.address = address;
        this.directory = directory;
        this.log = log;
    }

    static ServerUnderTest start(String template, Path directory, Path logDirectory,
                                 Map<String, String> limitPlaceholders) throws IOException {
        int port = freePort();
        Map<String, String> values = new TreeMap<>(limitPlaceholders);
        values.put("port", Integer.toString(port));
        values.put("dir", directory.toString());
        values.put("host", "127.0.0.1");
        String command = CommandLineTemplate.fill(template, values);
        Path log = logDirectory.resolve("server-" + STARTED.incrementAndGet() + ".log");
        Process process = new ProcessBuilder("/bin/sh", "-c", command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(new File("/dev/null"))
                .start();
        CommandServer server = new CommandServer(process, new InetSocketAddress("127.0.0.1", port), directory, log);
        LIVE.add(server);
        try {
            server.awaitListening(port, command);
        } catch (RuntimeException e) {
            server.outputShown = true; // the message below carries it
            server.close();
            throw e;
        }
        List<String> unused = limitPlaceholders.keySet().stream()
                .filter(name -> !CommandLineTemplate.uses(template, name)).map(name -> "{" + name + "}").toList();
        return unused.isEmpty() ? server : new WithFixedLimits(server, "the server command does not use "
                + String.join(", ", unused) + " (add them to --server-cmd to grade this)");
    }

    /** A started server whose command could not be given every limit a test asked for. */
    private record WithFixedLimits(CommandServer server, String fixedLimitsReason)
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

    private void awaitListening(int port, String command) {
        Duration timeout = max(SuiteTimeouts.scaled(START_TIMEOUT), MIN_START_TIMEOUT);
        try {
            await("server listening on port " + port).atMost(timeout).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> !process.isAlive() || ListeningPorts.isListening(port));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("the server command did not listen on 127.0.0.1:" + port + " within "
                    + timeout.toMillis() + " ms: " + command + lastWords());
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("the server command exited with status " + process.exitValue()
                    + " before it listened on port " + port + ": " + command + lastWords());
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private String lastWords() {
        String tail = ProcessLogs.tail(log, ProcessLogs.TAIL_LINES);
        return tail.isBlank() ? " (it printed nothing)" : "\n  it printed:\n" + tail.indent(4);
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public Optional<Path> directory() {
        return Optional.of(directory);
    }

    /** Whether the server process is still running (a crashed server fails the test that crashed it). */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills every server still running; the runner calls it once the contract is done. */
    static void closeAll() {
        for (CommandServer server : LIVE) {
            server.close();
        }
    }

    @Override
    public void close() {
        if (!LIVE.remove(this)) {
            return; // closed already
        }
        boolean crashed = !process.isAlive();
        // The shell first (so it does not report its child's death), then what it started.
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String label = crashed
                ? String.format(Locale.ROOT, "the server (it had exited with status %d)", process.exitValue())
                : "the server";
        if (!outputShown) {
            ProcessLogs.record(label, log);
        }
    }

    /** Reads the kernel's table of listening TCP sockets (Linux); elsewhere probes with a connection. */
    static final class ListeningPorts {
        private static final String LISTEN = "0A";

        private ListeningPorts() {
        }

        static boolean isListening(int port) {
            Path tcp = Path.of("/proc/net/tcp");
            if (!Files.isReadable(tcp)) {
                return probe(port);
            }
            String hexPort = String.format(Locale.ROOT, ":%04X", port);
            return listedAsListening(tcp, hexPort) || listedAsListening(Path.of("/proc/net/tcp6"), hexPort);
        }

        private static boolean listedAsListening(Path table, String hexPort) {
            try {
                for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
                    String[] fields = line.trim().split("\\s+");
                    // sl local_address rem_address st ...: local "0100007F:1F90", state "0A" = LISTEN
                    if (fields.length > 3 && fields[1].endsWith(hexPort) && fields[3].equals(LISTEN)) {
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            }
            return false;
        }

        private static boolean probe(int port) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }
}
