package transferlab.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import transferlab.demo.SampleFiles;
import transferlab.ranged.RangedClient;
import transferlab.storage.Hashes;
import transferlab.testkit.LoopbackPorts;

/**
 * Runs the comparisons of issues 12 and 22 on generated files: each of our commands as a process,
 * beside the peers found on the PATH (md5sum, nc, curl and aria2c and axel from nginx), each
 * measured {@code warmups} times unrecorded and then {@code runs} times, the median kept: of the
 * wall time, of the command's CPU (user + system of its process tree, from bash's {@code times})
 * and of its server's CPU meanwhile (from /proc, through {@link ProcessHandle}).
 *
 * <p>Two regimes. Unlimited loopback (the default): fixed costs, then per size the verified
 * ranged download against {@code md5sum}, axel and aria2c, {@code ftclient -g} against curl, the
 * upload against nc. With a rate per connection: only the ranged download, ours from
 * {@code ranged-server --rate-per-connection} and the peers' from nginx with {@code limit_rate},
 * each against the ideal size / (N × rate). See {@link BenchCommand} for the command line.
 */
final class Bench {
    /**
     * What to measure: file sizes in bytes, connection counts, the client's blocks per connection
     * (K) to try, the rate per connection in bytes/s (0: unlimited loopback), runs per measurement;
     * {@code archives} is the launcher's class-data archive directory (target/cds), or null when our
     * commands run without it.
     */
    record Settings(List<Long> sizes, List<Integer> connections, List<Integer> blocksPerConnection,
                    long ratePerConnection, int warmups, int runs, Path workDirectory, Path archives) {
        boolean rateLimited() {
            return ratePerConnection > 0;
        }
    }

    static final List<String> PEERS = List.of("md5sum", "nc", "curl", "nginx", "aria2c", "axel");
    static final double FIXED_COST_GOAL_SECONDS = 0.35;
    /**
     * Issues 12 and 22 set their transfer goals on 1 GiB. Below that the JVM's start (0.1–0.2 s) is
     * most of our time and none of the C peers', so a smaller size's ratio is printed but not judged.
     */
    static final long GOAL_BYTES = 1L << 30;
    /** Issue 22: a verified download's client CPU against md5sum's on the same file, unlimited loopback. */
    static final double CPU_GOAL = 1.3;
    /** Issue 22, rate-limited: ours against the ideal, against aria2c with its check, against axel. */
    static final double IDEAL_GOAL = 1.10;
    static final double AXEL_GOAL = 1.05;
    /** aria2c's -x takes 1 to 16. */
    static final int ARIA2C_MAX_CONNECTIONS = 16;
    private static final long PROCESS_TIMEOUT_SECONDS = 900;
    private static final long ARCHIVE_WAIT_SECONDS = 120;
    private static final Pattern TIMES = Pattern.compile("(\\d+)m(\\d+(?:\\.\\d+)?)s");

    private final Settings settings;
    /** Our command NAME with ARGS as a process's command line (the launcher, or java in a test). */
    private final BiFunction<String, List<String>, List<String>> ours;
    private final PrintStream progress;
    private final Path served;
    private final Path out;
    private final Path received;
    private final Path logs;
    private final Set<String> trained = new HashSet<>();

    Bench(Settings settings, BiFunction<String, List<String>, List<String>> ours, PrintStream progress)
            throws IOException {
        this.settings = settings;
        this.ours = ours;
        this.progress = progress;
        Path work = settings.workDirectory();
        this.served = Files.createDirectories(work.resolve("served"));
        this.out = Files.createDirectories(work.resolve("out"));
        this.received = Files.createDirectories(work.resolve("received"));
        this.logs = Files.createDirectories(work.resolve("logs"));
    }

    BenchTable run() throws IOException, InterruptedException {
        BenchTable table = new BenchTable();
        List<String> missing = PEERS.stream().filter(peer -> onPath(peer).isEmpty()).toList();
        table.line(String.format(Locale.ROOT, "Transfer Lab bench: %d cores, Java %s, %s %s",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch")));
        table.line("median of " + settings.runs() + " timed run(s) after " + settings.warmups() + " warm-up(s)");
        table.line("peers: " + String.join(" ", PEERS.stream().filter(peer -> !missing.contains(peer)).toList())
                + (missing.isEmpty() ? "" : "; missing, skipped: " + String.join(" ", missing)));
        table.line("cpu/GiB: user+system s of the command per GiB; server: of its server (ours, nginx)");
        if (settings.rateLimited()) {
            table.line("each connection limited to " + rateLabel(settings.ratePerConnection())
                    + ": ranged-server --rate-per-connection, nginx limit_rate");
        }
        table.line("load average at the start: " + loadAverage());
        long largest = settings.sizes().stream().mapToLong(Long::longValue).max().orElse(0);
        List<String> rangedArgs = new ArrayList<>(List.of("0", "--root", served.toString(), "--bind", "127.0.0.1"));
        if (settings.rateLimited()) {
            rangedArgs.addAll(List.of("--rate-per-connection", Long.toString(settings.ratePerConnection())));
        }
        // Our servers run through the whole bench: idle, they cost nothing, and each start is a JVM's.
        try (BackgroundServer ranged = BackgroundServer.start(ours.apply("ranged-server", rangedArgs))) {
            if (settings.rateLimited()) {
                trainRangedClient(ranged);
                for (long size : settings.sizes()) {
                    rateLimited(table, size, ranged);
                }
            } else {
                try (BackgroundServer upload = uploadServer(largest);
                     BackgroundServer ft = BackgroundServer.start(ours.apply("ftserver",
                             List.of("0", "--dir", served.toString(), "--bind", "127.0.0.1")))) {
                    Servers servers = new Servers(upload, ranged, ft);
                    fixedCosts(table, servers);
                    for (long size : settings.sizes()) {
                        transfers(table, size, servers);
                    }
                }
            }
        }
        table.footer("load average at the end: " + loadAverage());
        return table;
    }

    /** Our servers, to address and to watch the CPU of. */
    private record Servers(BackgroundServer upload, BackgroundServer ranged, BackgroundServer ft) {
    }

    /** What every command pays however little it moves: the JVM, the libraries, the first connection. */
    private void fixedCosts(BenchTable table, Servers servers) throws IOException, InterruptedException {
        Path small = SampleFiles.random(served.resolve("fixed-1k.bin"), 1024, 1);
        Path mebibyte = SampleFiles.random(served.resolve("fixed-1m.bin"), 1 << 20, 2);
        // the upload first: its runs make the archive that --help then uses too
        Measured upload = measureOurs("upload", List.of("127.0.0.1:" + servers.upload().port(), small.toString(),
                "--as", "fixed-1k.bin"), received.resolve("fixed-1k.bin"), servers.upload().handle());
        table.add(fixed("upload --help", measureOurs("upload", List.of("--help"), null, null)));
        table.add(fixed("upload, 1 KiB", upload));
        Path copy = out.resolve("fixed-1m.bin");
        table.add(fixed("ranged-client, 1 MiB, N=4", measureOurs("ranged-client",
                List.of("127.0.0.1:" + servers.ranged().port(), "4", mebibyte.getFileName().toString(),
                        copy.toString()), copy, servers.ranged().handle())));
    }

    private static BenchTable.Row fixed(String what, Measured measured) {
        return measured.row(what, "", 0, "", Double.NaN, FIXED_COST_GOAL_SECONDS);
    }

    /**
     * The rate-limited regime only times the ranged download; its first runs (untimed) make the
     * launcher's class-data archive, on a small file so that they take no time at the limit.
     */
    private void trainRangedClient(BackgroundServer ranged) throws IOException, InterruptedException {
        Path mebibyte = SampleFiles.random(served.resolve("fixed-1m.bin"), 1 << 20, 2);
        Path copy = out.resolve("fixed-1m.bin");
        measureOurs("ranged-client", List.of("127.0.0.1:" + ranged.port(), "4",
                mebibyte.getFileName().toString(), copy.toString()), copy, null);
    }

    /** The K whose rows are compared with the peers: the client's default when it is measured. */
    private int comparedBlocksPerConnection() {
        List<Integer> ks = settings.blocksPerConnection();
        return ks.contains(RangedClient.DEFAULT_BLOCKS_PER_CONNECTION)
                ? RangedClient.DEFAULT_BLOCKS_PER_CONNECTION : ks.get(0);
    }

    /** Our verified download over N connections with K blocks each, one row per K. */
    private Measured rangedRows(BenchTable table, Path file, long size, int n, BackgroundServer ranged,
                                String reference, double referenceSeconds, double goal)
            throws IOException, InterruptedException {
        Path copy = out.resolve(file.getFileName().toString());
        Measured compared = Measured.NONE;
        for (int k : settings.blocksPerConnection()) {
            Measured parallel = measureOurs("ranged-client", List.of("127.0.0.1:" + ranged.port(),
                    Integer.toString(n), file.getFileName().toString(), copy.toString(),
                    "--blocks-per-connection", Integer.toString(k)), copy, ranged.handle());
            table.add(parallel.row("ranged-client N=" + n + " K=" + k, sizeLabel(size), size, reference,
                    referenceSeconds, size >= GOAL_BYTES ? goal : Double.NaN));
            compared = k == comparedBlocksPerConnection() ? parallel : compared;
        }
        return compared;
    }

    /**
     * Issue 22's regime: each connection held to the rate, ours by our server and the peers' by
     * nginx, so more connections do speed a download up. Per N: the ideal, our rows, aria2c with its
     * MD5 check, axel (which checks nothing), each against the ideal; then ours against both.
     */
    private void rateLimited(BenchTable table, long size, BackgroundServer ranged)
            throws IOException, InterruptedException {
        String label = sizeLabel(size);
        Path file = generated(size);
        String name = file.getFileName().toString();
        String md5 = Hashes.md5Hex(file);
        Path copy = out.resolve(name);
        long rate = settings.ratePerConnection();

        Measured md5sum = peer("md5sum", () -> measure(List.of("md5sum", file.toString()), null, null));
        table.add(md5sum.row("md5sum (CPU of a verify)", label, size, "", Double.NaN, Double.NaN));
        try (HttpPeerServer nginx = HttpPeerServer.startIfPresent(served, settings.workDirectory().resolve("nginx"),
                rate)) {
            String url = nginx == null ? "" : "http://127.0.0.1:" + nginx.port() + "/" + name;
            ProcessHandle nginxHandle = nginx == null ? null : nginx.handle();
            for (int n : settings.connections()) {
                double ideal = size / ((double) n * rate);
                table.add(new BenchTable.Row("ideal N=" + n + " at " + rateLabel(rate), label, ideal, Double.NaN,
                        Double.NaN, size, "", Double.NaN, Double.NaN, ""));
                Measured ours = rangedRows(table, file, size, n, ranged, "ideal", ideal, IDEAL_GOAL);
                Measured aria = nginx == null ? Measured.skipped("nginx not on the PATH")
                        : n > ARIA2C_MAX_CONNECTIONS ? Measured.skipped("aria2c takes at most 16 connections")
                        : peer("aria2c", () -> measure(aria2c(n, md5, name, url), copy, nginxHandle));
                table.add(aria.row("aria2c -x" + n + " -s" + n + " --checksum", label, size, "ideal", ideal,
                        Double.NaN));
                Measured axel = nginx == null ? Measured.skipped("nginx not on the PATH") : peer("axel",
                        () -> measure(List.of("axel", "-q", "-n", Integer.toString(n), "-o", copy.toString(), url),
                                copy, nginxHandle));
                table.add(axel.row("axel -n " + n + " (no check)", label, size, "ideal", ideal, Double.NaN));
                String ours2 = "  N=" + n + " K=" + comparedBlocksPerConnection();
                if (ours.ok() && aria.ok()) {
                    table.add(ours.row(ours2 + " against aria2c", label, size, "aria2c", aria.seconds(),
                            goalAt(size, 1.0)));
                }
                if (ours.ok() && axel.ok()) {
                    table.add(ours.row(ours2 + " against axel", label, size, "axel", axel.seconds(),
                            goalAt(size, AXEL_GOAL)));
                }
            }
        }
        Files.deleteIfExists(file);
    }

    /** A fresh random file of {@code size} bytes to serve, named by its size. */
    private Path generated(long size) throws IOException {
        String label = sizeLabel(size);
        progress.println("bench: generating " + label + " ...");
        return SampleFiles.random(served.resolve("bench-" + label.replace(" ", "") + ".bin"), size, size);
    }

    /** A goal holds at the size the issues set it for (1 GiB): a smaller file shows its ratio without one. */
    private static double goalAt(long size, double ratio) {
        return size >= GOAL_BYTES ? ratio : Double.NaN;
    }

    private List<String> aria2c(int n, String md5, String name, String url) {
        // -k 1M: aria2c splits no piece below --min-split-size (20M by default), so small files use N too
        return List.of("aria2c", "-q", "-x" + n, "-s" + n, "-k1M", "--checksum=md5=" + md5,
                "--allow-overwrite=true", "--auto-file-renaming=false", "-d", out.toString(), "-o", name, url);
    }

    private void transfers(BenchTable table, long size, Servers servers) throws IOException, InterruptedException {
        String label = sizeLabel(size);
        Path file = generated(size);
        String name = file.getFileName().toString();
        String md5 = Hashes.md5Hex(file);
        Path copy = out.resolve(name);

        Measured md5sum = peer("md5sum", () -> measure(List.of("md5sum", file.toString()), null, null));
        table.add(md5sum.row("md5sum (floor of verified)", label, size, "", Double.NaN, Double.NaN));

        Measured withFour = Measured.NONE;
        Measured withEight = Measured.NONE;
        for (int n : settings.connections()) {
            Measured parallel = rangedRows(table, file, size, n, servers.ranged(), "md5sum", md5sum.seconds(), 1.15);
            if (parallel.ok() && md5sum.ok()) {
                table.add(parallel.cpuRow("  N=" + n + " K=" + comparedBlocksPerConnection() + " CPU against md5sum",
                        label, size, md5sum.cpu(), goalAt(size, CPU_GOAL)));
            }
            withFour = n == 4 ? parallel : withFour;
            withEight = n == 8 ? parallel : withEight;
        }

        try (HttpPeerServer nginx = HttpPeerServer.startIfPresent(served, settings.workDirectory().resolve("nginx"),
                0)) {
            String url = nginx == null ? "" : "http://127.0.0.1:" + nginx.port() + "/" + name;
            ProcessHandle nginxHandle = nginx == null ? null : nginx.handle();
            Measured axel = nginx == null ? Measured.skipped("nginx not on the PATH") : peer("axel",
                    () -> measure(List.of("axel", "-q", "-n", "8", "-o", copy.toString(), url), copy, nginxHandle));
            table.add(axel.row("axel -n 8 (no check)", label, size, "", Double.NaN, Double.NaN));
            if (withEight.ok() && axel.ok()) {
                table.add(withEight.row("  N=8 against axel", label, size, "axel", axel.seconds(),
                        goalAt(size, 1.0)));
            }
            Measured aria = nginx == null ? Measured.skipped("nginx not on the PATH") : peer("aria2c",
                    () -> measure(aria2c(4, md5, name, url), copy, nginxHandle));
            table.add(aria.row("aria2c -x4 --checksum=md5", label, size, "", Double.NaN, Double.NaN));
            if (withFour.ok() && aria.ok()) {
                table.add(withFour.row("  N=4 against aria2c", label, size, "aria2c", aria.seconds(),
                        goalAt(size, 1 / 3.0)));
            }
            Measured curl = nginx == null ? Measured.skipped("nginx not on the PATH") : peer("curl",
                    () -> measure(List.of("curl", "-sS", "-o", copy.toString(), url), copy, nginxHandle));
            table.add(curl.row("curl from nginx (no check)", label, size, "", Double.NaN, Double.NaN));
            Measured ftclient = measureOurs("ftclient", List.of("127.0.0.1", Integer.toString(servers.ft().port()),
                    "-g", name, "0", "--dir", out.toString()), copy, servers.ft().handle());
            table.add(ftclient.row("ftclient -g", label, size, "curl", curl.seconds(), goalAt(size, 1.1)));
        }

        Measured nc = peer("nc", () -> measureNc(file, received.resolve(name)));
        table.add(nc.row("nc into a file", label, size, "", Double.NaN, Double.NaN));
        Measured sent = measureOurs("upload", List.of("127.0.0.1:" + servers.upload().port(), file.toString()),
                received.resolve(name), servers.upload().handle());
        table.add(sent.row("upload (sha256 \"ok\")", label, size, "nc", nc.seconds(), goalAt(size, 1.0)));
        Files.deleteIfExists(file);
    }

    private BackgroundServer uploadServer(long maxSize) throws IOException {
        return BackgroundServer.start(ours.apply("upload-server", List.of("--mode", "thread-per-client",
                "--header-settle", "0", "--bind", "127.0.0.1", "--port", "0", "--dir", received.toString(),
                "--max-size", Long.toString(Math.max(maxSize, 1 << 20)))));
    }

    /**
     * A measured command: medians of its wall time, its CPU and its server's CPU meanwhile (NaN
     * where there is none), or why there is no measurement.
     */
    record Measured(double seconds, double cpu, double serverCpu, String why) {
        static final Measured NONE = skipped("not measured");

        static Measured skipped(String why) {
            return new Measured(Double.NaN, Double.NaN, Double.NaN, why);
        }

        boolean ok() {
            return !Double.isNaN(seconds);
        }

        /** Its row; with a reference, the wall-time ratio against {@code referenceSeconds}. */
        BenchTable.Row row(String what, String size, long bytes, String reference, double referenceSeconds,
                           double goal) {
            if (!ok()) {
                return BenchTable.Row.skipped(what, size, why);
            }
            boolean compared = !reference.isEmpty();
            if (compared && Double.isNaN(referenceSeconds)) {
                return new BenchTable.Row(what, size, seconds, cpu, serverCpu, bytes, reference, Double.NaN,
                        Double.NaN, "(no " + reference + " to compare)");
            }
            return new BenchTable.Row(what, size, seconds, cpu, serverCpu, bytes, reference,
                    compared ? seconds / referenceSeconds : Double.NaN, goal, "");
        }

        /** A row of its CPU only, against md5sum's CPU on the same file: the ratio a busy machine keeps. */
        BenchTable.Row cpuRow(String what, String size, long bytes, double md5sumCpu, double goal) {
            if (Double.isNaN(cpu) || Double.isNaN(md5sumCpu) || md5sumCpu <= 0) {
                return BenchTable.Row.skipped(what, size, "(no CPU time to compare)");
            }
            return new BenchTable.Row(what, size, Double.NaN, cpu, Double.NaN, bytes, "md5sum", cpu / md5sumCpu,
                    goal, "");
        }
    }

    private interface Measurement {
        Measured run() throws IOException, InterruptedException;
    }

    private static Measured peer(String name, Measurement measurement) throws IOException, InterruptedException {
        return onPath(name).isEmpty() ? Measured.skipped(name + " not on the PATH") : measurement.run();
    }

    /**
     * One of our commands, timed as its later runs go for a user: with the class-data archive the
     * launcher makes from its first run (in the background, at its second). So the first time a command
     * is measured, two untimed runs come first and the archive is waited for.
     */
    private Measured measureOurs(String name, List<String> args, Path output, ProcessHandle server)
            throws IOException, InterruptedException {
        List<String> command = ours.apply(name, args);
        if (settings.archives() != null && !args.contains("--help") && trained.add(name)) {
            for (int i = 0; i < 2; i++) {
                Process training = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(logs.resolve("train.log").toFile())
                        .redirectInput(new File("/dev/null")).start();
                training.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (output != null) {
                    Files.deleteIfExists(output);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ARCHIVE_WAIT_SECONDS);
            while (archiveBeingMade() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
        return measure(command, output, server);
    }

    /** The launcher names a class list it is archiving *.taken (see ./transfer). */
    private boolean archiveBeingMade() throws IOException {
        if (!Files.isDirectory(settings.archives())) {
            return false;
        }
        try (Stream<Path> files = Files.list(settings.archives())) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(".taken"));
        }
    }

    /**
     * Warm-ups, then timed runs; {@code output} (if any) is deleted after each run. The CPU is the
     * command's whole process tree's (bash's {@code times} after it, see {@link #withCpuTimes}), the
     * server's is what {@code server} (if any, with its descendants) spent from start to end.
     */
    Measured measure(List<String> command, Path output, ProcessHandle server) throws IOException, InterruptedException {
        progress.println("bench: " + String.join(" ", command));
        double[] times = new double[settings.runs()];
        double[] cpus = new double[settings.runs()];
        double[] serverCpus = new double[settings.runs()];
        Path cpuFile = logs.resolve("cpu.txt");
        for (int i = -settings.warmups(); i < settings.runs(); i++) {
            if (output != null) {
                Files.deleteIfExists(output);
            }
            Path log = logs.resolve("run.log");
            double serverBefore = cpuSeconds(server);
            long began = System.nanoTime();
            Process process = new ProcessBuilder(withCpuTimes(command, cpuFile)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(new File("/dev/null")).start();
            if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                stopTree(process);
                return Measured.skipped("failed: no end after " + PROCESS_TIMEOUT_SECONDS + " s");
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            double serverCpu = cpuSeconds(server) - serverBefore;
            if (process.exitValue() != 0) {
                return Measured.skipped("failed (exit " + process.exitValue() + "): " + lastLine(log));
            }
            if (i >= 0) {
                times[i] = seconds;
                cpus[i] = childrenCpuSeconds(cpuFile);
                serverCpus[i] = serverCpu;
            }
        }
        if (output != null) {
            Files.deleteIfExists(output);
        }
        return new Measured(median(times), median(cpus), median(serverCpus), "");
    }

    /**
     * The command run by bash, which then writes {@code times} into {@code cpuFile}: its second line
     * is the user and system time of bash's children, the command and everything it waited for. Java
     * cannot ask for a child's rusage, and /proc is gone once the process is.
     */
    static List<String> withCpuTimes(List<String> command, Path cpuFile) {
        List<String> wrapped = new ArrayList<>(List.of("bash", "-c",
                "out=$1; shift; \"$@\"; status=$?; times > \"$out\"; exit $status", "bench-cpu", cpuFile.toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Ends a command run by {@link #withCpuTimes}: bash and what it started (bash alone would orphan it). */
    private static void stopTree(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
    }

    /** User + system seconds of the children, from bash's {@code times} ("0m0.001s 0m0.000s" twice). */
    static double childrenCpuSeconds(Path cpuFile) throws IOException {
        Matcher time = TIMES.matcher(Files.readString(cpuFile, StandardCharsets.UTF_8));
        double[] values = new double[4];
        for (int i = 0; i < 4; i++) {
            if (!time.find()) {
                throw new IOException("bash's times wrote no four times into " + cpuFile);
            }
            values[i] = Integer.parseInt(time.group(1)) * 60 + Double.parseDouble(time.group(2));
        }
        return values[2] + values[3];
    }

    /** User + system seconds a running process and its descendants have taken so far; NaN for none. */
    static double cpuSeconds(ProcessHandle process) {
        if (process == null) {
            return Double.NaN;
        }
        return Stream.concat(Stream.of(process), process.descendants())
                .mapToDouble(handle -> handle.info().totalCpuDuration().map(cpu -> cpu.toNanos() / 1e9).orElse(0.0))
                .sum();
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg says; "unknown" elsewhere. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2] + " (1, 5, 15 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * nc into a file: a listening nc writes what it receives into {@code copy}; the sender is nc too.
     * Timed from the sender's start to the listener's exit. A sender that came before the listener was
     * ready is refused at once and tried again, with the clock started anew. The sender's CPU is the
     * row's, the listener's the server's.
     */
    private Measured measureNc(Path file, Path copy) throws IOException, InterruptedException {
        progress.println("bench: nc -l 127.0.0.1 PORT > " + copy + "  /  nc -N 127.0.0.1 PORT < " + file);
        double[] times = new double[settings.runs()];
        double[] cpus = new double[settings.runs()];
        double[] listenerCpus = new double[settings.runs()];
        Path senderCpu = logs.resolve("nc-sender-cpu.txt");
        Path listenerCpu = logs.resolve("nc-listener-cpu.txt");
        for (int i = -settings.warmups(); i < settings.runs(); i++) {
            Files.deleteIfExists(copy);
            int port = freePort();
            Process listener = new ProcessBuilder(withCpuTimes(List.of("nc", "-l", "127.0.0.1",
                    Integer.toString(port)), listenerCpu))
                    .redirectOutput(copy.toFile()).redirectError(logs.resolve("nc-listener.log").toFile())
                    .redirectInput(new File("/dev/null")).start();
            double seconds = Double.NaN;
            for (int attempt = 0; attempt < 200 && listener.isAlive(); attempt++) {
                long began = System.nanoTime();
                Process sender = new ProcessBuilder(withCpuTimes(List.of("nc", "-N", "127.0.0.1",
                        Integer.toString(port)), senderCpu))
                        .redirectInput(file.toFile()).redirectErrorStream(true)
                        .redirectOutput(logs.resolve("nc-sender.log").toFile()).start();
                int status = sender.waitFor();
                if (status == 0) {
                    listener.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    seconds = (System.nanoTime() - began) / 1e9;
                    break;
                }
                Thread.sleep(20); // refused: the listener is not listening yet
            }
            stopTree(listener);
            if (Double.isNaN(seconds) || Files.size(copy) != Files.size(file)) {
                return Measured.skipped("failed: nc did not deliver the file ("
                        + lastLine(logs.resolve("nc-sender.log"))
                        + ")");
            }
            if (i >= 0) {
                times[i] = seconds;
                cpus[i] = childrenCpuSeconds(senderCpu);
                listenerCpus[i] = childrenCpuSeconds(listenerCpu);
            }
        }
        Files.deleteIfExists(copy);
        return new Measured(median(times), median(cpus), median(listenerCpus), "");
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** A rate as the table says it: 32 MiB/s. */
    static String rateLabel(long bytesPerSecond) {
        return sizeLabel(bytesPerSecond) + "/s";
    }

    static String sizeLabel(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }

    static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        List<String> directories = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        directories.add("/usr/sbin"); // nginx lives here on Debian, off a normal user's PATH
        return directories.stream().map(directory -> Path.of(directory, program))
                .filter(Files::isExecutable).findFirst();
    }

    /** A port for a peer program to listen on: the grader's choice, below the ephemeral range. */
    static int freePort() throws IOException {
        return LoopbackPorts.free();
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank()).toList();
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1).strip();
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
