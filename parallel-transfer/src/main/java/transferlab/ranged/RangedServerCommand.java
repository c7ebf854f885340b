package transferlab.ranged;

import transferlab.cli.BytesPerSecond;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.cli.Ports;
import transferlab.cli.Seconds;
import transferlab.server.ServerLog;
import transferlab.storage.ServedDirectory;

/**
 * Stage 3's server: serves the files under a directory for ranged parallel download (protocol R,
 * seed 000's {@code server.py port}).
 *
 * <pre>
 *   $ ./transfer ranged-server 8000 --root /srv/files
 *   listening on 0.0.0.0:8000
 *   serving /srv/files
 *   12:00:01.204 127.0.0.1:52544 POST /big.bin: 268435456 bytes in 4 blocks of 67108865, md5 9e10…, data port 41377
 *   12:00:02.031 /big.bin: data port 41377 closed: every block sent
 * </pre>
 * Stop it with Ctrl-C. Try it with {@code ./transfer ranged-client 127.0.0.1:8000 4 big.bin copy.bin}.
 */
@Command(name = "ranged-server", mixinStandardHelpOptions = true,
        description = "Serve the files under a directory for ranged parallel download (protocol R, stage 3).",
        footer = {"", "Example:", "  ./transfer ranged-server 8000 --root /srv/files --rate-per-connection 8M"})
public final class RangedServerCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PORT", converter = Ports.class,
            description = "control port (HTTP); 0 picks a free one")
    int port;

    @Option(names = "--root", paramLabel = "DIR",
            description = "serve only the files under this directory (default: the current directory)")
    Path root = Path.of(".");

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "address to listen on, control and data (default: ${DEFAULT-VALUE}, every interface)")
    String bind = "0.0.0.0";

    @Option(names = "--rate-per-connection", paramLabel = "BYTES_PER_S", converter = BytesPerSecond.class,
            description = "limit each data connection to this many bytes/s, like a per-flow limit on the internet;"
                    + " 0 = no limit (default: 0; suffixes k, M, G)")
    long ratePerConnection = RangedLimits.DEFAULT_RATE_PER_CONNECTION;

    @Option(names = "--idle-timeout", paramLabel = "S", converter = Seconds.class,
            description = "close a data connection, or a data listener, idle this long; a control request must"
                    + " be in whole within it (default: 30)")
    Duration idleTimeout = RangedLimits.DEFAULT_IDLE_TIMEOUT;

    @Option(names = "--deadline", paramLabel = "S", converter = Seconds.class,
            description = "longest life of one download's data listener and of one block (default: 900)")
    Duration deadline = RangedLimits.DEFAULT_TRANSFER_DEADLINE;

    @Option(names = "--max-downloads", paramLabel = "N",
            description = "data listeners open at once; more requests get 503 (default: ${DEFAULT-VALUE})")
    int maxDownloads = RangedLimits.DEFAULT_MAX_DATA_LISTENERS;

    @Option(names = "--max-per-address", paramLabel = "N",
            description = "downloads open at once for one client address, like vsftpd's max_per_ip; more get 503"
                    + " (default: ${DEFAULT-VALUE}; raise it when many clients share an address behind NAT)")
    int maxPerAddress = RangedLimits.DEFAULT_MAX_LISTENERS_PER_ADDRESS;

    @Override
    public Integer call() throws Exception {
        RangedLimits limits = RangedLimits.defaults()
                .withMaxListenersPerAddress(maxPerAddress)
                .withIdleTimeout(idleTimeout)
                .withTransferDeadline(deadline)
                .withRatePerConnection(ratePerConnection)
                .withMaxDataListeners(maxDownloads);
        ServedDirectory directory = new ServedDirectory(root);
        ServerLog log = ServerLog.to(System.out);
        try (RangedServer server = RangedServer.bind(new InetSocketAddress(bind, port), directory, limits, log)) {
            System.out.println("listening on " + HostPort.format(server.address()));
            System.out.println("serving " + directory.root()
                    + (ratePerConnection > 0 ? " at most " + ratePerConnection + " bytes/s per connection" : ""));
            System.out.flush();
            server.serve();
        }
        return CommandRunner.OK;
    }

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new RangedServerCommand(), args));
    }
}
