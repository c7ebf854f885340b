package transferlab.demo;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.ranged.DownloadResult;
import transferlab.ranged.RangedClient;
import transferlab.ranged.RangedServer;
import transferlab.ranged.RangedLimits;
import transferlab.server.ServerLog;
import transferlab.storage.ServedDirectory;

/**
 * Part 3 of the lecture demo: one file downloaded over 1, 4 and 16 connections (protocol R, seed
 * 000), each download checked by MD5, with a per-connection rate limit on the server.
 *
 * <p>Run it with {@code ./transfer demo 3} (or {@code ./transfer demo} for all three parts). It
 * generates a 256 MiB file of random bytes in a temporary directory, serves it on a free loopback
 * port, downloads it five times, prints a table and a one-line speedup, and removes everything.
 * About 15 s. On a terminal each download shows its bars until its MD5 matched, then gives way to
 * its row ({@code --no-bars}: none); {@code --plot FILE.svg} draws the table as a picture
 * ({@link SpeedupPlot}); the options are {@link DemoOptions}'.
 * <pre>
 *   Stage 3: one file over many connections (protocol R, seed 000)
 *     generated 256 MiB of random bytes (lecture.bin, in a temporary directory)
 *     ranged-server on 127.0.0.1:46403, each data connection limited to 32 MiB/s
 *     connections  blocks     time       speed    ideal   md5
 *               1       1   8.01 s    32 MiB/s   8.01 s   md5 matches the server's
 *               4       4   2.44 s   105 MiB/s   2.00 s   md5 matches the server's
 *               4      16   2.20 s   116 MiB/s   2.00 s   md5 matches the server's
 *              16      16   0.97 s   264 MiB/s   0.50 s   md5 matches the server's
 *              16      64   0.73 s   351 MiB/s   0.50 s   md5 matches the server's
 *     16 connections: 11.0x faster than 1 (64 blocks); ideal 16x
 *     One block per connection falls short of ideal: the MD5 follows block 0,
 *     ...
 * </pre>
 * With one block per connection the client hashes the contiguous prefix as it arrives, which advances
 * only with block 0, so most of the hashing (~850 MB/s) is left for the end. With 4 blocks per
 * connection taken in order the prefix trails the newest blocks by one round (a quarter of the file).
 * What is left between the last row and 16x is the CPU: 512 MB/s of receiving plus the MD5 on the
 * 2 cores the server shares (figures from a loaded machine; they vary from run to run).
 */
@Command(name = "demo")
public final class Stage3Demo implements Callable<Integer> {
    /** Large enough that the unlimited loopback would still take a visible moment. */
    static final long FILE_BYTES = 256L << 20;
    /** 256 MiB at 32 MiB/s is 8 s over one connection; the whole part stays under about 20 s. */
    static final long RATE_PER_CONNECTION = 32L << 20;
    static final int[] CONNECTIONS = {1, 4, 16};
    /**
     * The command's default, measured (resources/performance.md): 16 connections × 4 blocks of 4 MiB,
     * the hash trails the newest blocks by 64 MiB at most.
     */
    static final int BLOCKS_PER_CONNECTION = RangedClient.DEFAULT_BLOCKS_PER_CONNECTION;

    @Mixin
    DemoOptions options;

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new Stage3Demo(), args));
    }

    @Override
    public Integer call() throws Exception {
        Path workspace = Files.createTempDirectory("transferlab-stage3-");
        try {
            run(workspace);
            return CommandRunner.OK;
        } finally {
            SampleFiles.deleteTree(workspace);
        }
    }

    private void run(Path workspace) throws Exception {
        System.out.println();
        System.out.println("Stage 3: one file over many connections (protocol R, seed 000)");
        Path served = Files.createDirectories(workspace.resolve("served"));
        Path file = SampleFiles.random(served.resolve("lecture.bin"), FILE_BYTES, 3);
        System.out.println("  generated " + (FILE_BYTES >> 20) + " MiB of random bytes (" + file.getFileName()
                + ", in a temporary directory)");

        RangedLimits limits = RangedLimits.defaults().withRatePerConnection(RATE_PER_CONNECTION);
        try (RangedServer server = RangedServer.bind(new InetSocketAddress("127.0.0.1", 0),
                new ServedDirectory(served), limits, ServerLog.silent())) {
            Thread serving = server.serveInBackground("stage3-demo-server");
            System.out.println("  ranged-server on " + HostPort.format(server.address())
                    + ", each data connection limited to " + (RATE_PER_CONNECTION >> 20) + " MiB/s");
            RangedClient oneBlockEach = new RangedClient(); // the seed's way
            RangedClient blocksInOrder = new RangedClient(RangedClient.DEFAULT_IDLE_TIMEOUT,
                    RangedClient.DEFAULT_RETRIES_PER_BLOCK, RangedClient.DEFAULT_MAX_SIZE, BLOCKS_PER_CONNECTION);
            if (!options.bars()) {
                oneBlockEach = oneBlockEach.withoutBars();
                blocksInOrder = blocksInOrder.withoutBars();
            }
            // The server hashes the file once, before the clock runs.
            oneBlockEach.ask(server.address(), "lecture.bin", 1);
            options.pauseBefore("starts the downloads", System.out);
            System.out.printf("  %11s %7s %8s %11s %8s   %s%n", "connections", "blocks", "time", "speed", "ideal",
                    "md5");
            List<SpeedupPlot.Run> runs = new ArrayList<>();
            double oneConnection = 0;
            for (int connections : CONNECTIONS) {
                for (RangedClient client : connections == 1 ? List.of(oneBlockEach)
                        : List.of(oneBlockEach, blocksInOrder)) {
                    Path copy = workspace.resolve("copy-" + connections + ".bin");
                    DownloadResult result = client.download(server.address(), "lecture.bin", connections, copy);
                    double seconds = result.nanos() / 1e9;
                    oneConnection = connections == 1 ? seconds : oneConnection;
                    // ideal: N connections, each at the limit, take 1/N of one connection's time
                    System.out.printf("  %11d %7d %6.2f s %5.0f MiB/s %6.2f s   md5 matches the server's%n",
                            connections, result.offer().blocks(), seconds, FILE_BYTES / (double) (1 << 20) / seconds,
                            oneConnection / connections);
                    runs.add(new SpeedupPlot.Run(connections, result.offer().blocks(), seconds));
                    Files.delete(copy);
                }
            }
            System.out.println("  " + SpeedupPlot.summary(runs));
            System.out.println("  One block per connection falls short of ideal: the MD5 follows block 0,");
            System.out.println("  so most hashing waits for the end. " + BLOCKS_PER_CONNECTION
                    + " blocks per connection, taken in order,");
            System.out.println("  let it keep up: ranged-client's default (1 is the seed's way).");
            System.out.printf("  Why the limit: on loopback with %d cores, more connections gain nothing;%n",
                    Runtime.getRuntime().availableProcessors());
            System.out.println("  a per-connection limit, as on the internet, is what they get around.");
            if (options.plot() != null) {
                SpeedupPlot.write(options.plot(), (FILE_BYTES >> 20) + " MiB over N connections, each held to "
                        + (RATE_PER_CONNECTION >> 20) + " MiB/s", runs);
                System.out.println("  the picture: " + options.plot()
                        + " (measured and ideal time by connections)");
            }
            server.close();
            serving.join(10_000);
        }
    }
}
