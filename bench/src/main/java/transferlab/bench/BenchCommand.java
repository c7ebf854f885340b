package transferlab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import transferlab.cli.BytesPerSecond;
import transferlab.cli.CommandRunner;
import transferlab.demo.SampleFiles;
import transferlab.ranged.RangedClient;

/**
 * Times our commands against the usual tools on generated files, on loopback, and prints one table of
 * medians (wall time, and CPU per GiB of the command and of its server) and time ratios against the
 * goals of issues 12 and 22 (resources/performance.md keeps the latest).
 *
 * <pre>
 *   $ ./transfer bench --sizes 64M --runs 3
 *   Transfer Lab bench: 2 cores, Java 17.0.15, Linux amd64
 *   median of 3 timed run(s) after 1 warm-up(s)
 *   ...
 *   what                            size    median cpu/GiB  server  ratio          goal
 *   upload --help                          0.125 s  0.19 s          ...            <= 0.35 s met
 *   md5sum (floor of verified)    64 MiB   0.082 s    1.38
 *   ranged-client N=1 K=4       64 MiB   0.280 s    2.91    0.22  3.42x md5sum   (goal at 1 GiB)
 *   ...
 *   $ ./transfer bench --rate-per-connection 32M --sizes 256M
 *   ideal N=8 at 32 MiB/s        256 MiB   1.000 s
 *   ranged-client N=8 K=4      256 MiB   1.130 s    3.10    0.40  1.13x ideal    (goal at 1 GiB)
 *   aria2c -x8 -s8 --checksum    256 MiB   ...
 * </pre>
 * Peers missing from the PATH are named and skipped. Exit status: 0 when the table was made (goals
 * met or not), 1 when a run failed to start, 2 on a usage error.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time our transfers against md5sum, nc, curl, aria2c and axel (from nginx) on generated "
                + "files over loopback: medians after warm-up, CPU per GiB, and the ratios against the goals of "
                + "issues 12 and 22.",
                "Each of our commands runs as ./transfer runs it, fixed cost included.",
                "With --rate-per-connection, only the ranged download, each connection held to the rate (ours by"
                + " ranged-server, the peers' by nginx's limit_rate), against the ideal size / (N x rate)."},
        footer = {"", "Examples:",
                "  ./transfer bench",
                "  ./transfer bench --sizes 1M,64M,1G --connections 1,2,4,8,16,64",
                "  ./transfer bench --rate-per-connection 32M",
                "  ./transfer bench --rate-per-connection 32M --connections 4,8,16 --blocks-per-connection 1,2,4,8",
                "  ./transfer bench --sizes 4G --runs 3 --dir /var/tmp/bench"})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--sizes", paramLabel = "SIZES", split = ",", converter = Size.class,
            description = "file sizes to time, comma-separated (default: 1G; suffixes k, M, G)")
    List<Long> sizes = List.of(1L << 30);

    @Option(names = "--connections", paramLabel = "N", split = ",",
            description = "ranged-client connection counts (default: 1,4,8; with a rate 1,4,8,16)")
    List<Integer> connections;

    @Option(names = "--blocks-per-connection", paramLabel = "K", split = ",",
            description = "ranged-client blocks per connection to time, a row each (default: the client's "
                    + "default, " + RangedClient.DEFAULT_BLOCKS_PER_CONNECTION + ")")
    List<Integer> blocksPerConnection = List.of(RangedClient.DEFAULT_BLOCKS_PER_CONNECTION);

    @Option(names = "--rate-per-connection", paramLabel = "RATE", converter = BytesPerSecond.class,
            description = "hold each connection to RATE bytes/s and time only the ranged download against "
                    + "aria2c, axel and the ideal (default: 0, unlimited loopback; suffixes k, M, G)")
    long ratePerConnection;

    @Option(names = "--runs", paramLabel = "N", description = "timed runs per measurement; the median counts "
            + "(default: 3)")
    int runs = 3;

    @Option(names = "--warmup", paramLabel = "N", description = "untimed runs before them (default: 1)")
    int warmups = 1;

    @Option(names = "--dir", paramLabel = "DIR", description = "where to put the generated files and copies "
            + "(default: a new temporary directory, deleted afterwards)")
    Path directory;

    /** Converts 64k, 1M, 4G (powers of 1024) with the rate converter's rules and a size's wording. */
    static final class Size implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                long bytes = new BytesPerSecond().convert(value);
                if (bytes > 0) {
                    return bytes;
                }
            } catch (TypeConversionException e) {
                // the message below names a size, not a rate
            }
            throw new TypeConversionException("'" + value + "' is not a file size (for example 64k, 1M or 4G)");
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Integer> counts = connections != null ? connections
                : ratePerConnection > 0 ? List.of(1, 4, 8, 16) : List.of(1, 4, 8);
        if (runs < 1 || warmups < 0 || counts.stream().anyMatch(n -> n < 1 || n > 255)
                || blocksPerConnection.stream().anyMatch(k -> k < 1) || ratePerConnection < 0) {
            throw new IllegalArgumentException("--runs must be >= 1, --warmup >= 0, connections 1..255, blocks per"
                    + " connection >= 1, the rate >= 0");
        }
        Path launcher = Path.of(System.getenv().getOrDefault("TRANSFER_LAUNCHER", "./transfer"));
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException("the launcher " + launcher + " is not there; run the bench as "
                    + "./transfer bench");
        }
        Path work = directory != null ? Files.createDirectories(directory)
                : Files.createTempDirectory("transferlab-bench-");
        try {
            Path archives = launcher.toAbsolutePath().getParent().resolve("target").resolve("cds");
            Bench bench = new Bench(new Bench.Settings(sizes, counts, blocksPerConnection,
                            ratePerConnection, warmups, runs, work, archives),
                    (name, args) -> {
                        List<String> command = new ArrayList<>(List.of(launcher.toString(), name));
                        command.addAll(args);
                        return command;
                    }, System.err);
            System.out.print(bench.run().format());
            return CommandRunner.OK;
        } finally {
            if (directory == null) {
                SampleFiles.deleteTree(work);
            }
        }
    }

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new BenchCommand(), args));
    }
}
