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

/**
 * Times our commands against the usual tools on generated files, on loopback, and prints one table of
 * medians and time ratios against issue 12's goals (resources/performance.md keeps the latest).
 *
 * <pre>
 *   $ ./transfer bench --sizes 64M --runs 3
 *   Transfer Lab bench: 2 cores, OpenJDK 64-Bit Server VM 17.0.15, Linux 6.1.0
 *   medians of 3 runs after 1 warm-up; peers: md5sum nc curl nginx aria2c axel
 *
 *   what                               size    median  ratio              goal
 *   upload --help                                0.290 s                     <= 0.35 s met
 *   md5sum (the verified floor)      64 MiB    0.140 s
 *   parallel-client N=1              64 MiB    0.520 s  3.71x md5sum       <= 1.15x NOT met
 *   ...
 * </pre>
 * Peers missing from the PATH are named and skipped. Exit status: 0 when the table was made (goals
 * met or not), 1 when a run failed to start, 2 on a usage error.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time our transfers against md5sum, nc, curl, aria2c and axel (from nginx) on generated "
                + "files over loopback: medians after warm-up, and the time ratios against issue 12's goals.",
                "Each of our commands runs as ./transfer runs it, fixed cost included."},
        footer = {"", "Examples:",
                "  ./transfer bench",
                "  ./transfer bench --sizes 1M,64M,1G --connections 1,2,4,8,16,64",
                "  ./transfer bench --sizes 4G --runs 3 --dir /var/tmp/bench"})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--sizes", paramLabel = "SIZES", split = ",", converter = Size.class,
            description = "file sizes to time, comma-separated (default: 1G; suffixes k, M, G)")
    List<Long> sizes = List.of(1L << 30);

    @Option(names = "--connections", paramLabel = "N", split = ",",
            description = "parallel-client connection counts (default: 1,4,8)")
    List<Integer> connections = List.of(1, 4, 8);

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
        if (runs < 1 || warmups < 0 || connections.stream().anyMatch(n -> n < 1 || n > 255)) {
            throw new IllegalArgumentException("--runs must be >= 1, --warmup >= 0, connections 1..255");
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
            Bench bench = new Bench(new Bench.Settings(sizes, connections, warmups, runs, work, archives),
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
