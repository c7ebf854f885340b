package transferlab.demo;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import transferlab.cli.CommandRunner;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;

/**
 * Part 1 of the lecture demo: the iterative server of stage 1 serves three clients that start at
 * the same moment, and the timeline shows it served them one after another.
 *
 * <pre>
 *   $ ./transfer demo 1            (--pace slow: each upload 5 s; --pause: Enter starts the clients)
 *   Stage 1: the iterative server (accept, serve one client, close, repeat)
 *     ...
 *     client  waited   uploading       0 s                                2.0 s
 *     alpha    0.12 s   0.12- 0.68 s  |..############                          |
 *     beta     0.74 s   0.74- 1.24 s  |...............##########               |
 *     gamma    1.26 s   1.26- 1.76 s  |.........................##########     |
 *     ...
 *     all 3 uploads done 1.76 s after the first client connected
 * </pre>
 * On a terminal the timeline is drawn while the clients wait; the options are {@link DemoOptions}'.
 */
@Command(name = "demo")
public final class Stage1Demo implements Callable<Integer> {
    @Mixin
    DemoOptions options;

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new Stage1Demo(), args));
    }

    @Override
    public Integer call() throws Exception {
        boolean intact = new UploadTimelineDemo(System.out, options).run(
                "Stage 1: the iterative server (accept, serve one client, close, repeat)",
                "While one client is served, the others wait in the listen backlog.",
                (address, handler) -> IterativeServer.bind(address, handler, ServerLog.silent()));
        return intact ? CommandRunner.OK : CommandRunner.FAILED;
    }
}
