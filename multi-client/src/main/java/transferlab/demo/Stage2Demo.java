package transferlab.demo;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import transferlab.cli.CommandRunner;
import transferlab.server.ConnectionsPerAddress;
import transferlab.server.NamedThreads;
import transferlab.server.ServerLog;
import transferlab.server.ThreadPerClientServer;
import transferlab.upload.UploadBusyHandler;

/**
 * Part 2 of the lecture demo: the same three clients as part 1, started at the same moment, now
 * against stage 2's thread-per-client server running stage 1's unchanged upload handler. The
 * timeline shows them overlapping: nobody waits for "go ahead".
 *
 * <pre>
 *   $ ./transfer demo 2
 *   Stage 2: a thread per client (stage 1's handler, unchanged, on its own thread)
 *     ...
 *     client  waited   uploading       0 s                                2.0 s
 *     gamma    0.06 s   0.06- 0.61 s  |.###########                            |
 *     beta     0.08 s   0.08- 0.59 s  |..##########                            |
 *     alpha    0.08 s   0.08- 0.60 s  |..##########                            |
 *     ...
 *     all 3 uploads done 0.61 s after the first client connected
 * </pre>
 * It takes part 1's options ({@link DemoOptions}): at {@code --pace slow} both parts draw on the
 * same 16 s scale.
 */
@Command(name = "demo")
public final class Stage2Demo implements Callable<Integer> {
    private static final int MAX_CONNECTIONS = 16;

    @Mixin
    DemoOptions options;

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new Stage2Demo(), args));
    }

    @Override
    public Integer call() throws Exception {
        boolean intact = new UploadTimelineDemo(System.out, options).run(
                "Stage 2: a thread per client (stage 1's handler, unchanged, on its own thread)",
                "The accept loop is back at accept() at once, so the three uploads overlap.",
                (address, handler) -> ThreadPerClientServer.bind(address, handler, ServerLog.silent(),
                        new UploadBusyHandler("the demo serves " + MAX_CONNECTIONS + " clients at once"),
                        MAX_CONNECTIONS, new ConnectionsPerAddress(MAX_CONNECTIONS, new UploadBusyHandler(
                                "the demo serves " + MAX_CONNECTIONS + " clients at once")),
                        NamedThreads.platform("demo-client-")));
        return intact ? CommandRunner.OK : CommandRunner.FAILED;
    }
}
