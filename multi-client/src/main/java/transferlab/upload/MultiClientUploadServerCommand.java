package transferlab.upload;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.eventloop.EventLoopUploadServer;
import transferlab.server.IterativeServer;
import transferlab.server.DescriptorBudget;
import transferlab.server.PooledServer;
import transferlab.server.ServerLog;
import transferlab.server.TcpServer;
import transferlab.server.VirtualThreads;

/**
 * Stage 2's upload server: protocol U with a choice of accept strategy, {@code --mode}.
 *
 * <pre>
 *   $ ./transfer upload-server --mode event-loop --port 0 --dir received
 *   listening on 0.0.0.0:40117
 *   12:00:01.204 127.0.0.1:52544 stored notes.txt (1834 bytes, sha256 3f1c…)
 *   12:00:01.206 127.0.0.1:52550 stored slides.pdf (88120 bytes, sha256 9a0e…)
 * </pre>
 * {@code iterative} (the default) is stage 1's server; {@code thread-per-client} and {@code pool} run
 * stage 1's {@link UploadHandler} unchanged on many threads; {@code event-loop} is one thread and a
 * Selector; {@code virtual} is thread-per-client on virtual threads (Java 21+; exits 2 before).
 * Stop it with Ctrl-C.
 */
@Command(name = "upload-server", mixinStandardHelpOptions = true,
        description = "Receive files over protocol U from many clients at once (stage 2).",
        footer = {"", "Examples, one per mode:",
                "  # iterative: one client at a time",
                "  ./transfer upload-server --port 5000 --dir received",
                "  # a thread per client",
                "  ./transfer upload-server --mode thread-per-client --max-connections 200",
                "  # fixed workers, a bounded queue",
                "  ./transfer upload-server --mode pool --pool-size 32 --queue 1024",
                "  # one thread, a Selector",
                "  ./transfer upload-server --mode event-loop --max-connections 5000",
                "  # virtual threads (Java 21+)",
                "  ./transfer upload-server --mode virtual --max-connections 10000"})
public final class MultiClientUploadServerCommand implements Callable<Integer> {
    /** The accept strategies, by their command-line names. */
    public enum Mode {
        ITERATIVE("iterative"), THREAD_PER_CLIENT("thread-per-client"), POOL("pool"),
        EVENT_LOOP("event-loop"), VIRTUAL("virtual");

        private final String optionName;

        Mode(String optionName) {
            this.optionName = optionName;
        }

        @Override
        public String toString() {
            return optionName;
        }
    }

    /** Reads a {@link Mode} by its command-line name. */
    static final class ModeName implements ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            for (Mode mode : Mode.values()) {
                if (mode.optionName.equals(value)) {
                    return mode;
                }
            }
            throw new TypeConversionException("'" + value
                    + "' is not a mode; use iterative, thread-per-client, pool, event-loop or virtual");
        }
    }

    @Spec
    CommandSpec spec;

    @Mixin
    UploadServerOptions options = new UploadServerOptions();

    @Option(names = "--mode", paramLabel = "MODE", converter = ModeName.class,
            description = "iterative, thread-per-client, pool, event-loop or virtual (default: ${DEFAULT-VALUE})")
    Mode mode = Mode.ITERATIVE;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "clients served at once; one more gets 'error busy' (default: ${DEFAULT-VALUE}; not for "
                    + "iterative)")
    int maxConnections = UploadLimits.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--max-per-address", paramLabel = "N",
            description = "connections one client address may hold at once; one more gets 'error busy'"
                    + " (default: ${DEFAULT-VALUE}; not for iterative)")
    int maxPerAddress = UploadLimits.DEFAULT_MAX_PER_ADDRESS;

    @Option(names = "--pool-size", paramLabel = "N",
            description = "worker threads of --mode pool (default: ${DEFAULT-VALUE})")
    int poolSize = PooledServer.DEFAULT_POOL_SIZE;

    @Option(names = "--queue", paramLabel = "N",
            description = "clients that may wait for a worker in --mode pool; one more gets 'error busy' (default: "
                    + "${DEFAULT-VALUE})")
    int queue = PooledServer.DEFAULT_QUEUE_CAPACITY;

    @Override
    public Integer call() throws Exception {
        requireAtLeastOne("--max-connections", maxConnections);
        requireAtLeastOne("--max-per-address", maxPerAddress);
        requireAtLeastOne("--pool-size", poolSize);
        requireAtLeastOne("--queue", queue);
        if (mode == Mode.VIRTUAL && !VirtualThreads.available()) {
            spec.commandLine().getErr().println("upload-server: --mode virtual needs Java "
                    + VirtualThreads.FIRST_JAVA_RELEASE + " or later (virtual threads); this is Java "
                    + Runtime.version().feature() + ". Use --mode thread-per-client, pool or event-loop.");
            return CommandRunner.USAGE;
        }
        ServerLog log = ServerLog.to(System.out);
        options.removeStaleTemporaryFiles(log);
        // Each client holds a socket and a temporary file: two descriptors (issue 11, item 6a).
        int connections = mode == Mode.ITERATIVE ? maxConnections
                : DescriptorBudget.cap(maxConnections, 2, "--max-connections", log);
        UploadLimits limits = options.limits(connections).withMaxPerAddress(maxPerAddress);
        try (TcpServer server = bind(new InetSocketAddress(options.bind, options.port), limits, log)) {
            System.out.println("listening on " + HostPort.format(server.address()));
            System.out.flush();
            server.serve();
        }
        return CommandRunner.OK;
    }

    private TcpServer bind(InetSocketAddress address, UploadLimits limits, ServerLog log) throws IOException {
        switch (mode) {
            case THREAD_PER_CLIENT:
                return UploadServers.threadPerClient(address, options.dir, limits, log);
            case POOL:
                return UploadServers.pool(address, options.dir, limits, log, poolSize, queue);
            case EVENT_LOOP:
                return EventLoopUploadServer.bind(address, options.dir, limits, log);
            case VIRTUAL:
                return UploadServers.threadPerClient(address, options.dir, limits, log,
                        VirtualThreads.factory("client-").orElseThrow());
            case ITERATIVE:
            default:
                return IterativeServer.bind(address, UploadHandler.into(options.dir, limits, log), log);
        }
    }

    private void requireAtLeastOne(String option, int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1, was " + value);
        }
    }

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new MultiClientUploadServerCommand(), args));
    }
}
