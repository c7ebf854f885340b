package transferlab.grading.program;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import transferlab.testkit.ServerUnderTest;
import transferlab.contract.SuiteScope;

/**
 * A server started from {@code --server-cmd} for one test: the template's {@code {port}} becomes a
 * free port, {@code {dir}} the test's fresh directory, {@code {host}} 127.0.0.1; a program named
 * relative to the grader's directory stays found after {@code cd {dir}}
 * ({@link CommandLineTemplate#anchoredToGraderDirectory}). It runs with {@code sh -c} in the grader's
 * working directory, in a process group of its own ({@link ProcessGroup}); closing it kills the whole
 * group. Its standard output and error are stamped line by line ({@link ProcessLogs}) so a failure
 * shows them on the test's clock; Python runs unbuffered ({@code PYTHONUNBUFFERED=1}) so its lines
 * carry the time they were printed.
 *
 * <p>Readiness: the server is ready once its port is in the LISTEN state, read from
 * {@code /proc/net/tcp} on Linux, so that no probe connection reaches it: many student servers
 * treat an empty connection as a header and crash. Elsewhere a probe connection is used. It is not
 * ready, and {@link ServerDidNotStart} says why, when it exits first, when it listens on another
 * port (a hard-coded one, seen in /proc: {@link ProcessGroup#listeningPorts}) for
 * {@link #WRONG_PORT_GRACE}, or when nothing listens within {@link #START_TIMEOUT} of its last use of
 * the CPU (at most {@link #START_LIMIT} in all). One that listens
 * but never accepts is seen when a test fails ({@link #notAccepting}).
 */
public final class CommandServer implements ServerUnderTest {
    /**
     * How long a server may go on not listening while it uses no CPU (it waits for input, or for
     * nothing). Not scaled by the timeout factor: a slow machine is no reason to wait longer for a
     * server that is not starting. One that still uses the CPU is starting (a JVM on a machine
     * busy with other gradings took more than this in a CI run), and gets up to {@link #START_LIMIT}.
     */
    static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The longest any server may take to listen, however busy it is starting: three times the most
     * a loaded machine was seen to take (twelve JVMs at once beside four busy loops: 4.1 s each),
     * and a program that spins instead of listening costs no more than this once (the run stops).
     */
    static final Duration START_LIMIT = Duration.ofSeconds(30);
    /** A server that listens only on other ports this long is taken to ignore {port}. */
    static final Duration WRONG_PORT_GRACE = Duration.ofMillis(500);
    private static final AtomicInteger STARTED = new AtomicInteger();
    /** Servers started and not closed yet: each run kills those of its own a contract forgot ({@link #closeAll}). */
    private static final Set<CommandServer> LIVE = ConcurrentHashMap.newKeySet();
    /** How many ports to try when other programs hold the ones chosen. */
    static final int PORT_ATTEMPTS = 3;
    /** Per run (its log directory): the ports found held by other programs, for the report's warnings. */
    private static final Map<Path, List<String>> PORTS_HELD = new ConcurrentHashMap<>();

    private final Process process;
    private final InetSocketAddress address;
    private final Path directory;
    /** The grading run's log directory: each run has its own, so it says which run the server belongs to. */
    private final Path logDirectory;
    private final Path log;
    private volatile boolean stopping;

    /** The test that started it ({@link ProcessLogs#keyOf}); null: none in particular. */
    private final String testKey;

    private CommandServer(Process process, InetSocketAddress address, Path directory, Path logDirectory, Path log,
                          String testKey) {
        this.testKey = testKey;
        this.process = process;
        this.address = address;
        this.directory = directory;
        this.logDirectory = logDirectory;
        this.log = log;
    }

    public static ServerUnderTest start(String template, Path directory, Path logDirectory,
                                 Map<String, String> limitPlaceholders) throws IOException {
        return start(template, directory, logDirectory, limitPlaceholders, Sandbox.Policy.DEFAULT.resolve(),
                Ports.ANY);
    }

    /** The same, in {@code sandbox}'s box, on a port the grader chooses. */
    public static ServerUnderTest start(String template, Path directory, Path logDirectory,
                                 Map<String, String> limitPlaceholders, Sandbox.Use sandbox) throws IOException {
        return start(template, directory, logDirectory, limitPlaceholders, sandbox, Ports.ANY);
    }

    /**
     * The same, in {@code sandbox}'s box. When another program already listens on the port chosen
     * (a squatter: a daemon a graded program left, anybody's server) the server is not graded
     * against it: the run's warnings say so ({@link #portsHeld}) and it starts again on another port,
     * {@link #PORT_ATTEMPTS} times at most. On {@code ports}: {@code --server-port N} (the command has
     * no {@code {port}}: the server listens on N, once N is free again, {@link Ports#awaitFree}; held
     * by another program, it is not graded), or a port of {@code --port-range}.
     */
    public static ServerUnderTest start(String template, Path directory, Path logDirectory,
                                 Map<String, String> limitPlaceholders, Sandbox.Use sandbox, Ports ports)
            throws IOException {
        return start(template, directory, logDirectory, limitPlaceholders, sandbox, ports, null);
    }

    /** The same, for the test with {@code testKey}: its log carries the key ({@link ProcessLogs#keyOf}). */
    public static ServerUnderTest start(String template, Path directory, Path logDirectory,
                                 Map<String, String> limitPlaceholders, Sandbox.Use sandbox, Ports ports,
                                 String testKey) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(template, directory, logDirectory, limitPlaceholders, sandbox, ports, testKey);
            } catch (PortHeld held) {
                if (ports.server() > 0) {
                    throw new ServerDidNotStart(held.getMessage() + " (--server-port): the server cannot be graded "
                            + "there");
                }
                noteHeld(logDirectory, held.getMessage() + "; the server was started again on another port");
                if (attempt == PORT_ATTEMPTS) {
                    throw new ServerDidNotStart(held.getMessage() + ", and so were the " + (PORT_ATTEMPTS - 1)
                            + " ports tried before it");
                }
            }
        }
    }

    /** Notes a port found held during the run logging to {@code logDirectory}, for its warnings. */
    static void noteHeld(Path logDirectory, String what) {
        PORTS_HELD.computeIfAbsent(logDirectory, run -> new CopyOnWriteArrayList<>()).add(what);
    }

    /** The ports found held by another program during the run logging to {@code logDirectory}, then forgets them. */
    public static List<String> portsHeld(Path logDirectory) {
        List<String> held = PORTS_HELD.remove(logDirectory);
        return held == null ? List.of() : List.copyOf(held);
    }

    /** Another program listens on the port chosen for the server. */
    private static final class PortHeld extends IllegalStateException {
        PortHeld(String message) {
            super(message);
        }
    }

    private static ServerUnderTest startOnce(String template, Path directory, Path logDirectory,
                                             Map<String, String> limitPlaceholders, Sandbox.Use sandbox,
                                             Ports ports, String testKey) throws IOException {
        int port = ports.server() > 0 ? ports.server() : ports.free();
        if (ports.server() > 0) {
            Ports.awaitFree(port, logDirectory);
        }
        Map<String, String> values = new TreeMap<>(limitPlaceholders);
        values.put("port", Integer.toString(port));
        values.put("dir", directory.toString());
        values.put("host", "127.0.0.1");
        String command = CommandLineTemplate.fill(CommandLineTemplate.anchoredToGraderDirectory(template), values);
        Path log = logDirectory.resolve(String.format(Locale.ROOT, "server-%04d%s", STARTED.incrementAndGet(),
                ProcessLogs.timedEnding(testKey)));
        ProcessBuilder builder = new ProcessBuilder(sandbox.command(command, Path.of("").toAbsolutePath(),
                List.of(directory)))
                .redirectErrorStream(true)
                .redirectInput(new File("/dev/null"));
        builder.environment().put("PYTHONUNBUFFERED", "1");
        RunMarker.mark(builder.environment(), logDirectory);
        ProcessLogs.note(log, "started, told to listen on port " + port);
        Process process = ProcessGroup.start(builder);
        ProcessLogs.pumpTimed(process.getInputStream(), log, "server-output-" + process.pid());
        CommandServer server = new CommandServer(process, new InetSocketAddress("127.0.0.1", port), directory,
                logDirectory, log, testKey);
        LIVE.add(server);
        process.onExit().thenAccept(exited -> {
            if (!server.stopping) {
                ProcessLogs.note(log, "exited with status " + exited.exitValue());
            }
        });
        try {
            server.awaitListening(port, command);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        List<String> unused = limitPlaceholders.keySet().stream()
                .filter(name -> !CommandLineTemplate.uses(template, name)).map(name -> "{" + name + "}").toList();
        return unused.isEmpty() ? server : new ServerWithOwnLimits(server, "the server command does not use "
                + String.join(", ", unused) + " (add them to --server-cmd to grade this)");
    }

    private void awaitListening(int port, String command) {
        Starting starting = new Starting(System.nanoTime());
        try {
            await("server listening on port " + port).atMost(START_LIMIT).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> listening(port) || notYet(port, command, starting));
        } catch (ConditionTimeoutException e) {
            notYet(port, command, starting); // an exit seen only now is still reported as the exit
            throw new ServerDidNotStart("the server did not listen on port " + port + " within "
                    + START_LIMIT.toSeconds() + " s, though it kept using the CPU: " + command + lastWords());
        }
    }

    /** What the start's polls have seen so far. */
    private static final class Starting {
        long polls;
        /** Since when it listens on other ports only; 0: it does not. */
        long otherPortsSince;
        Duration cpuUsed = Duration.ZERO;
        long lastBusy;

        Starting(long now) {
            lastBusy = now;
        }
    }

    /** Whether the server listens on its port; throws {@link PortHeld} when another program does. */
    private boolean listening(int port) {
        return switch (ProcessGroup.listenerOf(process, port)) {
            case THE_PROGRAM -> true;
            case NOBODY -> false;
            case ANOTHER_PROGRAM -> throw new PortHeld("port " + port + " is held by another program ("
                    + ProcessGroup.holderOf(port) + ")");
        };
    }

    /** False while the server may still start; throws when it cannot any more (exited, or listens elsewhere). */
    private boolean notYet(int port, String command, Starting starting) {
        if (!process.isAlive()) {
            // Not "before it listened": a stub may listen and close at once, and say so.
            String lastWords = lastWords();
            throw new ServerDidNotStart("the server exited with status " + exitStatus() + " and does not listen on"
                    + " port " + port + stoppedAtTodo(lastWords) + ": " + command + lastWords);
        }
        if (starting.polls++ % 5 != 0) {
            return false; // the group's sockets every 50 ms: cheap, but dearer than the port's one line
        }
        Set<Integer> others = new TreeSet<>(ProcessGroup.listeningPorts(process));
        others.remove(port);
        long now = System.nanoTime();
        if (others.isEmpty()) {
            starting.otherPortsSince = 0;
        } else if (starting.otherPortsSince == 0) {
            starting.otherPortsSince = now;
        } else if (now - starting.otherPortsSince >= WRONG_PORT_GRACE.toNanos()) {
            throw new ServerDidNotStart("the server listens on " + ProcessGroup.describe(others) + ", not on port "
                    + port + " it was given: is the port hard-coded? Take it from the command line ({port}): "
                    + command + lastWords());
        }
        Duration cpuUsed = ProcessGroup.cpuUsed(process);
        if (cpuUsed.compareTo(starting.cpuUsed) > 0) {
            starting.cpuUsed = cpuUsed;
            starting.lastBusy = now;
        } else if (now - starting.lastBusy >= START_TIMEOUT.toNanos()) {
            throw new ServerDidNotStart("the server did not listen on port " + port + " within "
                    + START_TIMEOUT.toSeconds() + " s, and it is not busy starting (no CPU used); is the port "
                    + "hard-coded, or does it wait for input? " + command + lastWords());
        }
        return false;
    }

    private String exitStatus() {
        try {
            return Integer.toString(process.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** The program's own TODO line, quoted first: a student tree's stub says which TODO stops it. */
    public static String stoppedAtTodo(String lastWords) {
        return lastWords.lines().map(String::strip).map(line -> line.startsWith("| ") ? line.substring(2) : line)
                .filter(line -> line.contains("TODO(stage") && !line.contains("it stopped at a TODO")).findFirst()
                .map(line -> "; it stopped at a TODO, in its own words: \"" + line + "\"").orElse("");
    }

    private String lastWords() {
        // The pump may still be copying the last lines of a program that just exited.
        try {
            await().atMost(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> !process.isAlive() || !ProcessLogs.tail(log, 1).isBlank());
        } catch (ConditionTimeoutException e) {
            // still nothing to show (a program that floods its output without a line end): say so below
        }
        String tail = ProcessLogs.tail(log, ProcessLogs.TAIL_LINES + 1).lines()
                .filter(line -> !line.startsWith("[started, told to listen")).collect(Collectors.joining("\n"));
        return tail.isBlank() ? " (it printed nothing)" : "\n  it printed:\n" + GradedOutput.quoted(tail, 4);
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
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * A running server of the run logging to {@code logDirectory}, started by the test with
     * {@code testKey} (or by no test in particular), that listens but has accepted nothing:
     * connections wait in its accept queue and it holds none. Said as the reason to stop the run;
     * empty when every such server looks alive. Another test's server, run at the same time, may have
     * a connection its test just made still waiting: it is not looked at.
     */
    public static Optional<String> notAccepting(Path logDirectory, String testKey) {
        for (CommandServer server : LIVE) {
            if (!server.logDirectory.equals(logDirectory)) {
                continue; // another run's, in the same JVM
            }
            if (server.testKey != null && !server.testKey.equals(testKey)) {
                continue; // another test's, run at the same time
            }
            int port = server.address.getPort();
            int waiting = server.process.isAlive() ? ProcessGroup.notYetAccepted(port) : 0;
            if (waiting > 0 && !ProcessGroup.holdsConnections(server.process)) {
                return Optional.of("the server listens on port " + port + " but accepted no connection ("
                        + waiting + " waiting in its accept queue): does it call accept()?");
            }
        }
        return Optional.empty();
    }

    /**
     * Kills every server of the run logging to {@code logDirectory} still running; the runner calls it
     * once the contract is done. Another run's servers in the same JVM go on serving.
     */
    public static void closeAll(Path logDirectory) {
        for (CommandServer server : LIVE) {
            if (server.logDirectory.equals(logDirectory)) {
                server.close();
            }
        }
    }

    @Override
    public void close() {
        if (!LIVE.remove(this)) {
            return; // closed already
        }
        stopping = true;
        if (process.isAlive()) {
            int waiting = ProcessGroup.notYetAccepted(address.getPort());
            ProcessLogs.note(log, "stopped by the grader" + (waiting == 0 ? "" : "; " + waiting
                    + " connection(s) were still waiting to be accepted: does the server call accept() again?"));
        }
        ProcessGroup.kill(process);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
