package transferlab.demo;

import transferlab.cli.CommandRunner;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;

/**
 * Part 1 of the lecture demo: the iterative server of stage 1 serves three clients that start at
 * the same moment, and the timeline shows it served them one after another.
 *
 * <pre>
 *   $ ./transfer demo 1
 *   Stage 1: the iterative server (accept, serve one client, close, repeat)
 *     ...
 *     client  waited    uploading       0 s                                  2.0 s
 *     alpha    0.12 s   0.12-0.68 s     |..############                          |
 *     beta     0.74 s   0.74-1.24 s     |...............##########               |
 *     gamma    1.26 s   1.26-1.76 s     |.........................##########     |
 *     ...
 *     all 3 uploads done 1.76 s after the first client connected
 * </pre>
 */
public final class Stage1Demo {
    private Stage1Demo() {
    }

    public static void main(String[] args) throws Exception {
        boolean intact = new UploadTimelineDemo(System.out).run(
                "Stage 1: the iterative server (accept, serve one client, close, repeat)",
                "While one client is served, the others wait in the listen backlog.",
                (address, handler) -> IterativeServer.bind(address, handler, ServerLog.silent()));
        System.exit(intact ? CommandRunner.OK : CommandRunner.FAILED);
    }
}
