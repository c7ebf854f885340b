package transferlab.update;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.cli.Seconds;
import transferlab.storage.BadNameException;
import transferlab.storage.PlainFileName;

/**
 * The polling update client (protocol D, seed 002): every {@code --interval} it polls the server and
 * stores what is queued for its id, each file checked by sha256 before it is kept.
 *
 * <pre>
 *   $ ./transfer update-client 127.0.0.1:5002 --id laptop-7 --dir updates --once
 *   stored patch-1.bin (20480 bytes, sha256:5c0e…)
 *   skipped readme.txt: already held (sha256:9f86…)
 *   done: 1 stored, 1 skipped, nothing more queued
 * </pre>
 * Exit status with {@code --once}: 0 when the queue was emptied (or was empty), 1 when a poll failed
 * (server unreachable, a wrong hash, a bad offer), 2 on a usage error. Without {@code --once} it polls
 * until stopped, and a failed poll is reported and retried at the next interval.
 */
@Command(name = "update-client", mixinStandardHelpOptions = true,
        description = "Poll an update server (protocol D) and store the files it offers, verified by sha256.",
        footer = {"", "Example:", "  ./transfer update-client 127.0.0.1:5002 --id laptop-7 \\",
                "      --dir updates --interval 10"})
public final class UpdateClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST:PORT", converter = HostPort.class, description = "the update server")
    InetSocketAddress server;

    @Option(names = "--id", required = true, paramLabel = "ID",
            description = "this client's id: its queue is <outbox>/ID on the server (a plain name)")
    String id;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "where received files are stored (default: ${DEFAULT-VALUE})")
    Path dir = Path.of("updates");

    @Option(names = "--interval", paramLabel = "SECONDS", converter = Seconds.class,
            description = "time between polls (default: 10)")
    Duration interval = Duration.ofSeconds(10);

    @Option(names = "--once", description = "poll once, take everything queued, and exit (0 ok, 1 failed)")
    boolean once;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = Seconds.class,
            description = "give up on a server silent this long (default: 30)")
    Duration timeout = Duration.ofSeconds(30);

    @Override
    public Integer call() throws Exception {
        try {
            PlainFileName.check(id);
        } catch (BadNameException e) {
            throw new ParameterException(spec.commandLine(), "--id '" + id + "' is not usable: " + e.getMessage());
        }
        if (timeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--timeout must be more than 0 seconds");
        }
        UpdateClient client = new UpdateClient(id, dir, timeout, UpdateClient.DEFAULT_MAX_FILE_BYTES, System.out);
        if (once) {
            PollResult result = client.poll(server); // a failure becomes one line and exit status 1
            System.out.println("done: " + result.stored() + " stored, " + result.skipped()
                    + " skipped, nothing more queued");
            return CommandRunner.OK;
        }
        System.out.println("polling " + HostPort.format(server) + " as " + id + " every "
                + interval.toMillis() / 1000.0 + " s; Ctrl-C stops");
        while (true) {
            try {
                client.poll(server);
            } catch (IOException e) {
                System.err.println("update-client: poll failed: " + PlainFileName.printable(String.valueOf(e.getMessage()))
                        + " (trying again in "
                        + interval.toMillis() / 1000.0 + " s)");
            }
            TimeUnit.NANOSECONDS.sleep(interval.toNanos());
        }
    }

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new UpdateClientCommand(), args));
    }
}
