package transferlab.ft;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.cli.Ports;
import transferlab.cli.Seconds;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;

/**
 * Stage 1's list/get server: protocol F (seed 003's {@code ftserver}), one client at a time.
 *
 * <pre>
 *   $ ./transfer ftserver 3555 --dir served
 *   listening on 0.0.0.0:3555
 *   12:00:01.204 127.0.0.1:52544 LIST: sent 53 bytes to data port 8555 in 1 ms
 *   12:00:04.871 127.0.0.1:52550 GET textfile-large: sent 1048576 bytes to data port 8555 in 3 ms
 *   12:00:09.015 127.0.0.1:52556 refused: no-such-file: nothing.txt
 * </pre>
 * Stop it with Ctrl-C. The client is {@code ./transfer ftclient} ({@link FtClientCommand}).
 */
@Command(name = "ftserver", mixinStandardHelpOptions = true,
        description = "Serve the files of a directory over the two-connection LIST/GET protocol (F), one client at a "
                + "time.",
        footer = {"", "Example:", "  ./transfer ftserver 3555 --dir served",
                "  ./transfer ftclient 127.0.0.1 3555 -l 8555      (in another terminal)"})
public final class FtServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PORT", converter = Ports.class,
            description = "control port to listen on; 0 picks a free one")
    int port;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "the directory whose files are served (default: ${DEFAULT-VALUE})")
    Path dir = Path.of(".");

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "address to listen on (default: ${DEFAULT-VALUE}, every interface)")
    String bind = "0.0.0.0";

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", converter = Seconds.class,
            description = "drop a client that sends or reads nothing for this long (default: 30)")
    Duration idleTimeout = FtLimits.DEFAULT_IDLE_TIMEOUT;

    @Option(names = "--deadline", paramLabel = "SECONDS", converter = Seconds.class,
            description = "longest time one request may take, command to last byte (default: 900)")
    Duration deadline = FtLimits.DEFAULT_TRANSFER_DEADLINE;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "DIR '" + dir + "' is not a directory");
        }
        if (idleTimeout.isZero() || deadline.isZero()) {
            throw new ParameterException(spec.commandLine(),
                    "--idle-timeout and --deadline must be more than 0 seconds");
        }
        FtLimits limits = FtLimits.defaults().withIdleTimeout(idleTimeout).withTransferDeadline(deadline);
        ServerLog log = ServerLog.to(System.out);
        FtHandler handler = FtHandler.serving(dir, limits, log);
        try (IterativeServer server = IterativeServer.bind(new InetSocketAddress(bind, port), handler, log)) {
            System.out.println("listening on " + HostPort.format(server.address()));
            System.out.flush();
            server.serve();
        }
        return CommandRunner.OK;
    }

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new FtServerCommand(), args));
    }
}
