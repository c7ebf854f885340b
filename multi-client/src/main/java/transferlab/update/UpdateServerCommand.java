package transferlab.update;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.cli.Ports;
import transferlab.cli.Seconds;
import transferlab.server.DescriptorBudget;
import transferlab.server.ServerLog;

/**
 * The polling update service's server (protocol D, seed 002): one thread on a Selector, serving the
 * queues {@code <outbox>/<client-id>/}. Drop a file into a client's directory (write it under a name
 * starting with a dot, then rename it) and that client receives it on its next poll.
 *
 * <pre>
 *   $ mkdir -p outbox/laptop-7 && cp patch-1.bin outbox/laptop-7/
 *   $ ./transfer update-server --port 5002 --outbox outbox
 *   listening on 0.0.0.0:5002
 *   12:00:01.204 127.0.0.1:40312 laptop-7: offering patch-1.bin (20480 bytes, sha256:5c0e…)
 *   12:00:01.209 127.0.0.1:40312 laptop-7: acknowledged patch-1.bin; removed from the queue
 *   12:00:01.209 127.0.0.1:40312 laptop-7: nothing queued; closed
 * </pre>
 * Stop it with Ctrl-C; files offered but not yet acknowledged stay queued.
 */
@Command(name = "update-server", mixinStandardHelpOptions = true,
        description = "Serve per-client update queues over protocol D (one thread, a Selector).",
        footer = {"", "Example:", "  mkdir -p outbox/laptop-7 && cp patch-1.bin outbox/laptop-7/",
                "  ./transfer update-server --port 5002 --outbox outbox"})
public final class UpdateServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "P", converter = Ports.class,
            description = "port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port = UpdateProtocol.DEFAULT_PORT;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "address to listen on (default: ${DEFAULT-VALUE}, every interface)")
    String bind = "0.0.0.0";

    @Option(names = "--outbox", paramLabel = "DIR",
            description = "one directory per client id holds that client's queue (default: ${DEFAULT-VALUE})")
    Path outbox = Path.of("outbox");

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", converter = Seconds.class,
            description = "close a connection that makes no progress for this long (default: 30)")
    Duration idleTimeout = UpdateLimits.DEFAULT_IDLE_TIMEOUT;

    @Option(names = "--deadline", paramLabel = "SECONDS", converter = Seconds.class,
            description = "longest time from a poll to the first offer, or from an offer to its ack (default: 900)")
    Duration deadline = UpdateLimits.DEFAULT_EXCHANGE_DEADLINE;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "connections served at once; more are closed at once (default: ${DEFAULT-VALUE})")
    int maxConnections = UpdateLimits.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--max-per-address", paramLabel = "N",
            description = "connections one client address may hold at once; more are closed at once"
                    + " (default: ${DEFAULT-VALUE})")
    int maxPerAddress = UpdateLimits.DEFAULT_MAX_PER_ADDRESS;

    @Option(names = "--max-request-bytes", paramLabel = "BYTES",
            description = "longest JSON header a client may send, 1..65535 (default: ${DEFAULT-VALUE})")
    int maxRequestBytes = UpdateLimits.DEFAULT_MAX_REQUEST_BYTES;

    @Override
    public Integer call() throws Exception {
        ServerLog log = ServerLog.to(System.out);
        UpdateLimits limits;
        try {
            limits = new UpdateLimits(maxRequestBytes, idleTimeout, deadline, maxConnections, maxPerAddress);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        // A connection holds one descriptor, its socket: the file on offer is open only while a piece of
        // it is written, one at a time on the loop's thread, within the reserve (issue 11, item 6a).
        limits = limits.withMaxConnections(DescriptorBudget.cap(maxConnections, UpdateServer.DESCRIPTORS_PER_CONNECTION,
                "--max-connections", log));
        try (UpdateServer server = UpdateServer.bind(new InetSocketAddress(bind, port), outbox, limits, log)) {
            System.out.println("listening on " + HostPort.format(server.address()));
            System.out.flush();
            server.serve();
        }
        return CommandRunner.OK;
    }

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new UpdateServerCommand(), args));
    }
}
