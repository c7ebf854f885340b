package transferlab.upload;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;

/**
 * Stage 1's upload server: protocol U, one client at a time.
 *
 * <pre>
 *   $ ./transfer upload-server --port 0 --dir received
 *   listening on 0.0.0.0:40117
 *   12:00:01.204 127.0.0.1:52544 stored notes.txt (1834 bytes, sha256 3f1c…)
 * </pre>
 * Stop it with Ctrl-C. It is the launcher's {@code upload-server} in a checkout of stage 1 alone;
 * with stage 2 present, {@code ./transfer upload-server} runs stage 2's command, which adds
 * {@code --mode} and whose default mode is this same iterative server.
 */
@Command(name = "upload-server", mixinStandardHelpOptions = true,
        description = "Receive files over protocol U, one client at a time (stage 1).",
        footer = {"", "Example:", "  ./transfer upload-server --port 5000 --dir received"})
public final class UploadServerCommand implements Callable<Integer> {
    @Mixin
    UploadServerOptions options = new UploadServerOptions();

    @Override
    public Integer call() throws Exception {
        ServerLog log = ServerLog.to(System.out);
        options.removeStaleTemporaryFiles(log);
        UploadHandler handler = UploadHandler.into(options.dir, options.limits(1), log);
        try (IterativeServer server = IterativeServer.bind(
                new InetSocketAddress(options.bind, options.port), handler, log)) {
            System.out.println("listening on " + HostPort.format(server.address()));
            System.out.flush();
            server.serve();
        }
        return CommandRunner.OK;
    }

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new UploadServerCommand(), args));
    }
}
