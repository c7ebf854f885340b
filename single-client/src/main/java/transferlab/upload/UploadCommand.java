package transferlab.upload;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import transferlab.cli.BytesPerSecond;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.cli.Seconds;
import transferlab.progress.TransferProgress;
import transferlab.storage.BadNameException;
import transferlab.storage.PlainFileName;

/**
 * Uploads one file over protocol U and checks that the server stored exactly those bytes.
 *
 * <pre>
 *   $ ./transfer upload 127.0.0.1:5000 notes.txt
 *   uploaded notes.txt (1834 bytes) in 0.06 s
 *   sha256 3f1c…  (matches the server's)
 *
 *   $ ./transfer upload 127.0.0.1:5001 notes.txt        # a seed 004 server: it sends no "ok"
 *   uploaded notes.txt (1834 bytes) in 0.01 s
 *   sha256 3f1c…  (not verified: the server closed without an 'ok' line, as seed 004 servers do)
 * </pre>
 * Exit status: 0 stored and verified (or stored by a server that sends no "ok" line, which the
 * output says), 1 refused or broken, 2 usage error.
 */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = "Send FILE to an upload server (protocol U) and verify its sha256.",
        footer = {"", "Example:", "  ./transfer upload 127.0.0.1:5000 notes.txt --as notes-v2.txt"})
public final class UploadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST:PORT", converter = HostPort.class, description = "the server")
    InetSocketAddress server;

    @Parameters(index = "1", paramLabel = "FILE", description = "the file to send")
    Path file;

    @Option(names = "--as", paramLabel = "NAME", description = "name to store it under (default: FILE's own name)")
    String as;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = Seconds.class,
            description = "give up when the server is silent this long (default: 30)")
    Duration timeout = Duration.ofSeconds(30);

    @Option(names = "--rate", paramLabel = "BYTES_PER_SECOND", converter = BytesPerSecond.class,
            description = "send at most this fast, like a slow link: 0 (no limit, the default), 65536, 64k, 8M")
    long rate;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), "FILE '" + file + "' is not a readable regular file");
        }
        if (rate < 0) {
            throw new ParameterException(spec.commandLine(), "--rate must be >= 0, was " + rate);
        }
        String name = as != null ? as : file.getFileName().toString();
        try {
            PlainFileName.check(name);
        } catch (BadNameException e) {
            throw new ParameterException(spec.commandLine(), "cannot upload as '" + name + "': " + e.getMessage());
        }
        UploadResult result;
        try (TransferProgress progress = TransferProgress.onTerminal(name, Files.size(file))) {
            result = new UploadClient(timeout, rate).upload(server, file, name, progress);
        }
        double seconds = (result.finishedNanos() - result.connectedNanos()) / 1e9;
        System.out.printf("uploaded %s (%d bytes) in %.2f s%n", name, result.size(), seconds);
        if (!result.confirmed()) {
            // Seed 004's servers never send "ok": every byte was taken and the server closed cleanly,
            // which is all such a server can say. Success, but say plainly that nothing was checked.
            System.out.println("sha256 " + result.localSha256()
                    + "  (not verified: the server closed without an 'ok' line, as seed 004 servers do)");
            return CommandRunner.OK;
        }
        if (!result.verified()) {
            System.out.println("sha256 MISMATCH: sent " + result.localSha256() + ", server stored "
                    + PlainFileName.printable(result.serverSha256()));
            return CommandRunner.FAILED;
        }
        System.out.println("sha256 " + result.localSha256() + "  (matches the server's)");
        return CommandRunner.OK;
    }

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new UploadCommand(), args));
    }
}
