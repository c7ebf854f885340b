package transferlab.grading.program;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.opentest4j.TestAbortedException;
import transferlab.testkit.ServerUnderTest;
import transferlab.testkit.SuiteTimeouts;
import transferlab.testkit.TcpProxy;
import transferlab.contract.upload.StoredNames;
import transferlab.grading.checks.ExternalUploadCheck;

/**
 * What {@code ./transfer check} grades: a server somebody already runs ({@code --target}), a server
 * started from a command line for every test ({@code --server-cmd}), or a client command driven
 * against our reference server ({@code --client-cmd}).
 *
 * <p>The runner hands the target to the check classes (contract subclasses such as
 * {@link ExternalUploadCheck}) as JUnit configuration parameters ({@link #configuration()}); the
 * {@link CheckRunExtension} on each check class turns them back into a {@code CheckTarget} and
 * passes it to the class's constructor. No JVM-wide state: two runs in one JVM do not meet.
 */
public final class CheckTarget {
    /** The idle timeout the suite gives a server command through {@code {idle-timeout}}. */
    public static final Duration SUITE_IDLE_TIMEOUT = Duration.ofSeconds(2);
    /** What a server command that does not take {@code {idle-timeout}} is assumed to keep (our servers' default). */
    public static final Duration ASSUMED_OWN_IDLE_TIMEOUT = Duration.ofSeconds(30);

    public enum Kind { RUNNING_SERVER, SERVER_COMMAND, CLIENT_COMMAND, PAIR }

    /** The configuration parameters that carry a target from the runner to the check classes. */
    static final String KIND = "transferlab.check.target.kind";
    static final String COMMAND_OR_ADDRESS = "transferlab.check.target";
    public static final String LOG_DIRECTORY = "transferlab.check.logDirectory";
    static final String CONCURRENT = "transferlab.check.concurrent";
    static final String NETWORK = "transferlab.check.network";
    static final String PAIR_CLIENT_COMMAND = "transferlab.check.pairClientCommand";
    static final String STORED_NAMES = "transferlab.check.storedNames";
    static final String PORTS = "transferlab.check.ports";
    static final String FILE_NAMES = "transferlab.check.fileNames";
    static final String SANDBOX = "transferlab.check.sandbox";
    static final String SANDBOX_HIDDEN = "transferlab.check.sandbox.hidden";
    static final String SANDBOX_SHOWN = "transferlab.check.sandbox.shown";

    private final Kind kind;
    private final InetSocketAddress address;
    private final String command;
    private final Path logDirectory;
    private final boolean concurrent;
    private final Network network;
    /** {@code --pair}: the student's client, run against the student's server ({@link #command}). */
    private final String pairClientCommand;
    private final List<String> storedNames;
    /** The box every program of this target runs in ({@code --sandbox}). */
    private final Sandbox.Use sandbox;

    /** {@code --server-port}, {@code --client-port}, {@code --port-range}. */
    private final Ports ports;
    /** {@code --file-names}: ft pair file names, or one directory of sample files. */
    private final List<String> fileNames;
    /** The test this target serves ({@link ProcessLogs#keyOf}): its servers' logs carry it; null: none. */
    private final String testKey;

    private CheckTarget(Kind kind, InetSocketAddress address, String command, Path logDirectory, boolean concurrent,
                        Network network, String pairClientCommand, List<String> storedNames, Sandbox.Use sandbox) {
        this(kind, address, command, logDirectory, concurrent, network, pairClientCommand, storedNames, sandbox,
                Ports.ANY, List.of(), null);
    }

    private CheckTarget(Kind kind, InetSocketAddress address, String command, Path logDirectory, boolean concurrent,
                        Network network, String pairClientCommand, List<String> storedNames, Sandbox.Use sandbox,
                        Ports ports, List<String> fileNames, String testKey) {
        this.kind = kind;
        this.address = address;
        this.command = command;
        this.logDirectory = logDirectory;
        this.concurrent = concurrent;
        this.network = network;
        this.pairClientCommand = pairClientCommand;
        this.storedNames = List.copyOf(storedNames);
        this.sandbox = sandbox;
        this.ports = ports;
        this.fileNames = List.copyOf(fileNames);
        this.testKey = testKey;
    }

    /**
     * The same target for one test (its JUnit unique id): the servers it starts log under the test's
     * key, so that a failed test's timeline shows its own servers, not those of tests run at once.
     */
    public CheckTarget forTest(String testUniqueId) {
        return new CheckTarget(kind, address, command, logDirectory, concurrent, network, pairClientCommand,
                storedNames, sandbox, ports, fileNames, ProcessLogs.keyOf(testUniqueId));
    }

    /** The same target, an ft pair serving files of these names, or of this one directory ({@code --file-names}). */
    public CheckTarget withFileNames(List<String> names) {
        return new CheckTarget(kind, address, command, logDirectory, concurrent, network, pairClientCommand,
                storedNames, sandbox, ports, names, testKey);
    }

    /** {@code --file-names}: empty for the kit's names. */
    public List<String> fileNames() {
        return fileNames;
    }

    /** The same target on fixed ports or a range ({@code --server-port}, {@code --client-port}, {@code --port-range}). */
    public CheckTarget withPorts(Ports given) {
        return new CheckTarget(kind, address, command, logDirectory, concurrent, network, pairClientCommand,
                storedNames, sandbox, given, fileNames, testKey);
    }

    /** The ports this grading hands out. */
    public Ports ports() {
        return ports;
    }

    /**
     * Where our reference server listens for a graded client: {@code --client-port} when the client
     * reaches it directly, else a port of the range, else any.
     */
    public int referencePort() throws IOException {
        return network == Network.DIRECT && ports.client() > 0 ? ports.client() : ports.forOurListener();
    }

    /** Our reference server for a graded client, bound on {@link #referencePort} (a fixed one once it is free). */
    public <T> T referenceServer(Ports.Binder<T> server) throws IOException {
        int port = referencePort();
        return ports.client() > 0 && port == ports.client() ? Ports.bindWhenFree(port, logDirectory, server)
                : server.bind(port);
    }

    /**
     * Our recording proxy in front of {@code server}, where the graded client connects: on
     * {@code --client-port} when given (whatever the network: the network's proxy, if any, lies
     * behind this one, {@link #throughNetworkBehindWire}), else a port of the range, else any. What
     * crossed it is what the client is judged by.
     */
    public TcpProxy recordingProxyTo(InetSocketAddress server) throws IOException {
        if (ports.client() > 0) {
            return Ports.bindWhenFree(ports.client(), logDirectory, port -> TcpProxy.recording(port, server));
        }
        return TcpProxy.recording(ports.forOurListener(), server);
    }

    /** A free port to hand out ({@code {dataport}}, ...): in {@code --port-range} when given. */
    public int freePort() throws IOException {
        return ports.free();
    }

    /** The same target, graded as a server meant to serve one client at a time ({@code --iterative}). */
    public CheckTarget iterative() {
        return new CheckTarget(kind, address, command, logDirectory, false, network, pairClientCommand, storedNames,
                sandbox, ports, fileNames, testKey);
    }

    /** The same target, reached over {@code kind} of network ({@code --network lossy}). */
    public CheckTarget over(Network kind) {
        return new CheckTarget(this.kind, address, command, logDirectory, concurrent, kind, pairClientCommand,
                storedNames, sandbox, ports, fileNames, testKey);
    }

    /** The same target, whose uploads may be stored under these patterns ({@code --stored-name}; empty: seed 004's). */
    public CheckTarget storingUnder(List<String> patterns) {
        return new CheckTarget(kind, address, command, logDirectory, concurrent, network, pairClientCommand, patterns,
                sandbox, ports, fileNames, testKey);
    }

    /** The same target, its programs run in {@code box} ({@code --sandbox}). */
    public CheckTarget boxedBy(Sandbox.Use box) {
        return new CheckTarget(kind, address, command, logDirectory, concurrent, network, pairClientCommand,
                storedNames, box, ports, fileNames, testKey);
    }

    /** The box every server and client of this target runs in. */
    public Sandbox.Use sandbox() {
        return sandbox;
    }

    /** U: the names, besides the sent one, under which the graded server may store an upload. */
    public StoredNames storedNames() {
        return storedNames.isEmpty() ? StoredNames.SEED_004 : StoredNames.of(storedNames);
    }

    /** The network between the suite and the graded program. */
    public Network network() {
        return network;
    }

    /** True unless the server is graded as iterative: a paused client must not hold up the next one. */
    public boolean concurrent() {
        return concurrent;
    }

    /** {@code --target HOST:PORT}. */
    public static CheckTarget runningServer(InetSocketAddress address) {
        return new CheckTarget(Kind.RUNNING_SERVER, address, null, null, true, Network.DIRECT, null, List.of(),
                Sandbox.Policy.DEFAULT.resolve());
    }

    /** {@code --server-cmd "python3 server.py {port} {dir}"}; process output is kept under {@code logDirectory}. */
    public static CheckTarget serverCommand(String command, Path logDirectory) {
        return new CheckTarget(Kind.SERVER_COMMAND, null, command, logDirectory, true, Network.DIRECT, null, List.of(),
                Sandbox.Policy.DEFAULT.resolve());
    }

    /** {@code --client-cmd "python3 client.py {host} {port} {file}"}. */
    public static CheckTarget clientCommand(String command, Path logDirectory) {
        return new CheckTarget(Kind.CLIENT_COMMAND, null, command, logDirectory, true, Network.DIRECT, null, List.of(),
                Sandbox.Policy.DEFAULT.resolve());
    }

    /**
     * {@code --pair --server-cmd S --client-cmd C}: the student's client against the student's own
     * server, judged by effects (the files the client leaves, what it prints).
     */
    public static CheckTarget pair(String serverCommand, String clientCommand, Path logDirectory) {
        return new CheckTarget(Kind.PAIR, null, serverCommand, logDirectory, true, Network.DIRECT, clientCommand,
                List.of(), Sandbox.Policy.DEFAULT.resolve());
    }

    /** The client's command line: {@code --client-cmd}, alone or in a pair. */
    public String clientCommand() {
        return kind == Kind.PAIR ? pairClientCommand : command;
    }

    public Kind kind() {
        return kind;
    }

    public String command() {
        return command;
    }

    public Path logDirectory() {
        return logDirectory;
    }

    /** One line for the report: what was graded. */
    public String describe() {
        return switch (kind) {
            case RUNNING_SERVER -> "server at " + address.getHostString() + ":" + address.getPort();
            case SERVER_COMMAND -> "server command: " + command;
            case CLIENT_COMMAND -> "client command: " + command;
            case PAIR -> "server command: " + command + "; client command: " + pairClientCommand;
        };
    }

    /**
     * The server a contract test talks to. For {@code --server-cmd} a fresh process serving
     * {@code directory}; for {@code --target} the running server, whose directory the suite cannot
     * see (tests that need it are not applicable).
     */
    public ServerUnderTest startServer(Path directory) {
        return startServer(directory, Map.of());
    }

    /**
     * The same, with limit placeholders for the command line, e.g. {@code {idle-timeout} -> 0.4}.
     * A server whose command does not use every one of them runs with limits of its own and says
     * so ({@link transferlab.contract.SuiteScope.FixedLimits}): tests that depend on a limit are N/A.
     */
    public ServerUnderTest startServer(Path directory, Map<String, String> limitPlaceholders) {
        return throughNetwork(startDirect(directory, limitPlaceholders));
    }

    /**
     * The server as the graded side reaches it: itself, or with {@code --network lossy} through a
     * lossy proxy closed with it. A client check puts our own server behind it the same way.
     */
    public ServerUnderTest throughNetwork(ServerUnderTest server) {
        return throughNetwork(server, true);
    }

    /**
     * The same, for a server the graded client reaches through our recording proxy
     * ({@link #recordingProxyTo}): the network's proxy does not take {@code --client-port}, the
     * recording one does, so that the client's bytes cross both.
     */
    public ServerUnderTest throughNetworkBehindWire(ServerUnderTest server) {
        return throughNetwork(server, false);
    }

    private ServerUnderTest throughNetwork(ServerUnderTest server, boolean clientConnectsHere) {
        // A server on a fixed port is reached through a proxy that leaves no TIME_WAIT on its port.
        boolean fixedServerPort = ports.server() > 0 && kind != Kind.CLIENT_COMMAND;
        if (network == Network.DIRECT && !fixedServerPort) {
            return server;
        }
        TcpProxy.Faults faults = switch (network) {
            case DIRECT -> TcpProxy.Faults.none();
            case LOSSY -> LossyNetwork.FAULTS;
            case HOSTILE -> LossyNetwork.HOSTILE_FAULTS;
        };
        Ports.Binder<TcpProxy> proxy = LossyNetwork.proxyTo(server, faults);
        try {
            // A fixed-port client reaches the proxy, not our server behind it.
            boolean clientsPort = clientConnectsHere && kind == Kind.CLIENT_COMMAND && ports.client() > 0;
            return LossyNetwork.inFrontOf(server, clientsPort ? Ports.bindWhenFree(ports.client(), logDirectory, proxy)
                    : proxy.bind(ports.forOurListener()), fixedServerPort);
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(e);
        }
    }

    private ServerUnderTest startDirect(Path directory, Map<String, String> limitPlaceholders) {
        return switch (kind) {
            case RUNNING_SERVER -> new RunningServer(address);
            case SERVER_COMMAND, PAIR -> {
                try {
                    yield CommandServer.start(command, directory, logDirectory, limitPlaceholders, sandbox, ports,
                            testKey);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case CLIENT_COMMAND -> throw new IllegalStateException("--client-cmd grades a client, not a server");
        };
    }

    /**
     * A server over files the suite itself puts into {@code {dir}} (F, D, R). A server somebody
     * already runs ({@code --target}) cannot be graded that way: every such test is not applicable,
     * for the reason {@code why}.
     */
    public ServerUnderTest startServerOverSuiteFiles(Path directory, String why,
                                                     Map<String, String> limitPlaceholders) {
        if (kind == Kind.RUNNING_SERVER) {
            throw new TestAbortedException(why);
        }
        return startServer(directory, limitPlaceholders);
    }

    /** The {@code {idle-timeout}} placeholder, scaled by the timeout factor, for {@link #startServerOverSuiteFiles}. */
    public static Map<String, String> idleTimeoutPlaceholder() {
        return Map.of("idle-timeout", ExternalUploadCheck.seconds(SuiteTimeouts.scaled(SUITE_IDLE_TIMEOUT)));
    }

    /** The idle timeout the server under test keeps: the one it was given, or the one it is assumed to have. */
    public Duration serverIdleTimeout() {
        return command != null && CommandLineTemplate.uses(command, "idle-timeout")
                ? SuiteTimeouts.scaled(SUITE_IDLE_TIMEOUT) : ASSUMED_OWN_IDLE_TIMEOUT;
    }

    /** This target as JUnit configuration parameters, for {@link #fromConfiguration}. */
    public Map<String, String> configuration() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put(KIND, kind.name());
        parameters.put(COMMAND_OR_ADDRESS, kind == Kind.RUNNING_SERVER
                ? address.getHostString() + ":" + address.getPort() : command);
        if (logDirectory != null) {
            parameters.put(LOG_DIRECTORY, logDirectory.toString());
        }
        parameters.put(CONCURRENT, Boolean.toString(concurrent));
        parameters.put(NETWORK, network.name());
        if (pairClientCommand != null) {
            parameters.put(PAIR_CLIENT_COMMAND, pairClientCommand);
        }
        parameters.put(STORED_NAMES, String.join("\n", storedNames));
        parameters.put(PORTS, ports.encoded());
        parameters.put(FILE_NAMES, String.join("\n", fileNames));
        parameters.put(SANDBOX, (sandbox.boxed() ? "boxed:" : "none:") + sandbox.description());
        parameters.put(SANDBOX_HIDDEN, String.join("\n", sandbox.hidden().stream().map(Path::toString).toList()));
        parameters.put(SANDBOX_SHOWN, String.join("\n", sandbox.shown().stream().map(Path::toString).toList()));
        return parameters;
    }

    /** The target the runner described with {@link #configuration()}; fails clearly outside the grader. */
    public static CheckTarget fromConfiguration(Function<String, Optional<String>> parameters) {
        Kind kind = parameters.apply(KIND).map(Kind::valueOf).orElseThrow(() -> new IllegalStateException(
                "no target: the check classes run through ./transfer check (transferlab.grading.SuiteRunner), "
                        + "not on their own"));
        String value = parameters.apply(COMMAND_OR_ADDRESS).orElseThrow();
        Path logs = parameters.apply(LOG_DIRECTORY).map(Path::of).orElse(null);
        CheckTarget target = switch (kind) {
            case RUNNING_SERVER -> runningServer(TargetAddress.parse(value));
            case SERVER_COMMAND -> serverCommand(value, logs);
            case CLIENT_COMMAND -> clientCommand(value, logs);
            case PAIR -> pair(value, parameters.apply(PAIR_CLIENT_COMMAND).orElseThrow(), logs);
        };
        if (!parameters.apply(CONCURRENT).map(Boolean::parseBoolean).orElse(true)) {
            target = target.iterative();
        }
        List<String> storedNames = parameters.apply(STORED_NAMES).map(lines -> lines.lines()
                .filter(line -> !line.isBlank()).toList()).orElse(List.of());
        target = target.over(parameters.apply(NETWORK).map(Network::valueOf).orElse(Network.DIRECT))
                .storingUnder(storedNames).withPorts(parameters.apply(PORTS).map(Ports::decoded).orElse(Ports.ANY))
                .withFileNames(parameters.apply(FILE_NAMES).map(lines -> lines.lines()
                        .filter(line -> !line.isBlank()).toList()).orElse(List.of()));
        String box = parameters.apply(SANDBOX).orElse(null);
        if (box != null) {
            target = target.boxedBy(new Sandbox.Use(box.startsWith("boxed:"), box.substring(box.indexOf(':') + 1),
                    paths(parameters.apply(SANDBOX_HIDDEN)), paths(parameters.apply(SANDBOX_SHOWN))));
        }
        return target;
    }

    private static List<Path> paths(Optional<String> lines) {
        return lines.map(text -> text.lines().filter(line -> !line.isBlank()).map(Path::of).toList())
                .orElse(List.of());
    }
}
