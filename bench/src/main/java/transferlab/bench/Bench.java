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
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import transferlab.demo.SampleFiles;
import transferlab.storage.Hashes;
import transferlab.testkit.LoopbackPorts;

/**
 * Runs issue 12's comparisons on generated files: each of our commands as a process, beside the
 * peers found on the PATH (md5sum, nc, curl and aria2c and axel from nginx), each measured
 * {@code warmups} times unrecorded and then {@code runs} times, the median kept.
 * See {@link BenchCommand} for the command line.
 */
final class Bench {
    /**
     * What to measure: file sizes in bytes, connection counts, runs per measurement; {@code archives} is
     * the launcher's class-data archive directory (target/cds), or null when our commands run without it.
     */
    record Settings(List<Long> sizes, List<Integer> connections, int warmups, int runs, Path workDirectory,
                    Path archives) {
    }

    static final List<String> PEERS = List.of("md5sum", "nc", "curl", "nginx", "aria2c", "axel");
    static final double FIXED_COST_GOAL_SECONDS = 0.35;
    /**
     * Issue 12 sets its transfer goals on 1 GiB. Below that the JVM's start (0.1–0.2 s) is most of our
     * time and none of the C peers', so a smaller size's ratio is printed but not judged.
     */
    static final long GOAL_BYTES = 1L << 30;
    private static final long PROCESS_TIMEOUT_SECONDS = 900;
    private static final long ARCHIVE_WAIT_SECONDS = 120;

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
        long largest = settings.sizes().stream().mapToLong(Long::longValue).max().orElse(0);
        // Our three servers run through the whole bench: idle, they cost nothing, and each start is a JVM's.
        try (BackgroundServer upload = uploadServer(largest);
             BackgroundServer ranged = BackgroundServer.start(ours.apply("parallel-server",
                     List.of("0", "--root", served.toString())));
             BackgroundServer ft = BackgroundServer.start(ours.apply("ftserver",
                     List.of("0", "--dir", served.toString())))) {
            Ports ports = new Ports(upload.port(), ranged.port(), ft.port());
            fixedCosts(table, ports);
            for (long size : settings.sizes()) {
                transfers(table, size, ports);
            }
        }
        return table;
    }

    /** Where our servers listen. */
    private record Ports(int upload, int ranged, int listGet) {
    }

    /** What every command pays however little it moves: the JVM, the libraries, the first connection. */
    private void fixedCosts(BenchTable table, Ports ports) throws IOException, InterruptedException {
        Path small = SampleFiles.random(served.resolve("fixed-1k.bin"), 1024, 1);
        Path mebibyte = SampleFiles.random(served.resolve("fixed-1m.bin"), 1 << 20, 2);
        // the upload first: its runs make the archive that --help then uses too
        Measured upload = measureOurs("upload", List.of("127.0.0.1:" + ports.upload(), small.toString(), "--as",
                "fixed-1k.bin"), received.resolve("fixed-1k.bin"));
        table.add(fixed("upload --help", measureOurs("upload", List.of("--help"), null)));
        table.add(fixed("upload, 1 KiB", upload));
        Path copy = out.resolve("fixed-1m.bin");
        table.add(fixed("parallel-client, 1 MiB, N=4", measureOurs("parallel-client",
                List.of("127.0.0.1:" + ports.ranged(), "4", mebibyte.getFileName().toString(), copy.toString()),
                copy)));
    }

    private static BenchTable.Row fixed(String what, Measured measured) {
        return measured.row(what, "", "", Double.NaN, FIXED_COST_GOAL_SECONDS);
    }

    private void transfers(BenchTable table, long size, Ports ports) throws IOException, InterruptedException {
        String label = sizeLabel(size);
        progress.println("bench: generating " + label + " ...");
        Path file = SampleFiles.random(served.resolve("bench-" + label.replace(" ", "") + ".bin"), size, size);
        String name = file.getFileName().toString();
        String md5 = Hashes.md5Hex(file);
        Path copy = out.resolve(name);
        DoubleUnaryOperator goal = ratio -> size >= GOAL_BYTES ? ratio : Double.NaN;

        Measured md5sum = peer("md5sum", () -> measure(List.of("md5sum", file.toString()), null));
        table.add(md5sum.row("md5sum (floor of verified)", label, "", Double.NaN, Double.NaN));

        Measured withFour = Measured.NONE;
        Measured withEight = Measured.NONE;
        for (int n : settings.connections()) {
            Measured parallel = measureOurs("parallel-client",
                    List.of("127.0.0.1:" + ports.ranged(), Integer.toString(n), name, copy.toString()), copy);
            table.add(parallel.row("parallel-client N=" + n, label, "md5sum", md5sum.seconds,
                    goal.applyAsDouble(1.15)));
            withFour = n == 4 ? parallel : withFour;
            withEight = n == 8 ? parallel : withEight;
        }

        try (HttpPeerServer nginx = HttpPeerServer.startIfPresent(served, settings.workDirectory().resolve("nginx"))) {
            String url = nginx == null ? "" : "http://127.0.0.1:" + nginx.port() + "/" + name;
            Measured axel = nginx == null ? Measured.skipped("nginx not on the PATH") : peer("axel",
                    () -> measure(List.of("axel", "-q", "-n", "8", "-o", copy.toString(), url), copy));
            table.add(axel.row("axel -n 8 (no check)", label, "", Double.NaN, Double.NaN));
            if (withEight.ok() && axel.ok()) {
                table.add(withEight.row("  N=8 against axel", label, "axel", axel.seconds, goal.applyAsDouble(1.0)));
            }
            Measured aria = nginx == null ? Measured.skipped("nginx not on the PATH") : peer("aria2c",
                    () -> measure(List.of("aria2c", "-q", "-x4", "-s4", "--checksum=md5=" + md5,
                            "--allow-overwrite=true", "--auto-file-renaming=false", "-d", out.toString(), "-o", name,
                            url), copy));
            table.add(aria.row("aria2c -x4 --checksum=md5", label, "", Double.NaN, Double.NaN));
            if (withFour.ok() && aria.ok()) {
                table.add(withFour.row("  N=4 against aria2c", label, "aria2c", aria.seconds,
                        goal.applyAsDouble(1 / 3.0)));
            }
            Measured curl = nginx == null ? Measured.skipped("nginx not on the PATH") : peer("curl",
                    () -> measure(List.of("curl", "-sS", "-o", copy.toString(), url), copy));
            table.add(curl.row("curl from nginx (no check)", label, "", Double.NaN, Double.NaN));
            Measured ftclient = measureOurs("ftclient", List.of("127.0.0.1", Integer.toString(ports.listGet()),
                    "-g", name, "0", "--dir", out.toString()), copy);
            table.add(ftclient.row("ftclient -g", label, "curl", curl.seconds, goal.applyAsDouble(1.1)));
        }

        Measured nc = peer("nc", () -> measureNc(file, received.resolve(name)));
        table.add(nc.row("nc into a file", label, "", Double.NaN, Double.NaN));
        Measured sent = measureOurs("upload", List.of("127.0.0.1:" + ports.upload(), file.toString()),
                received.resolve(name));
        table.add(sent.row("upload (sha256 \"ok\")", label, "nc", nc.seconds, goal.applyAsDouble(1.0)));
        Files.deleteIfExists(file);
    }

    private BackgroundServer uploadServer(long maxSize) throws IOException {
        return BackgroundServer.start(ours.apply("upload-server", List.of("--mode", "thread-per-client",
                "--header-settle", "0", "--port", "0", "--dir", received.toString(), "--max-size",
                Long.toString(Math.max(maxSize, 1 << 20)))));
    }

    /** A measured command: its median, or why there is none. */
    record Measured(double seconds, String why) {
        static final Measured NONE = new Measured(Double.NaN, "not measured");

        static Measured skipped(String why) {
            return new Measured(Double.NaN, why);
        }

        boolean ok() {
            return !Double.isNaN(seconds);
        }

        BenchTable.Row row(String what, String size, String reference, double referenceSeconds, double goal) {
            if (!ok()) {
                return BenchTable.Row.skipped(what, size, why);
            }
            boolean compared = !reference.isEmpty();
            if (compared && Double.isNaN(referenceSeconds)) {
                return new BenchTable.Row(what, size, seconds, reference, Double.NaN, Double.NaN,
                        "(no " + reference + " to compare)");
            }
            return new BenchTable.Row(what, size, seconds, reference,
                    compared ? seconds / referenceSeconds : Double.NaN, goal, "");
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
    private Measured measureOurs(String name, List<String> args, Path output)
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
        return measure(command, output);
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

    /** Warm-ups, then timed runs; {@code output} (if any) is deleted after each run. */
    private Measured measure(List<String> command, Path output) throws IOException, InterruptedException {
        progress.println("bench: " + String.join(" ", command));
        double[] times = new double[settings.runs()];
        for (int i = -settings.warmups(); i < settings.runs(); i++) {
            if (output != null) {
                Files.deleteIfExists(output);
            }
            Path log = logs.resolve("run.log");
            long began = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(new File("/dev/null")).start();
            if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return Measured.skipped("failed: no end after " + PROCESS_TIMEOUT_SECONDS + " s");
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            if (process.exitValue() != 0) {
                return Measured.skipped("failed (exit " + process.exitValue() + "): " + lastLine(log));
            }
            if (i >= 0) {
                times[i] = seconds;
            }
        }
        if (output != null) {
            Files.deleteIfExists(output);
        }
        return new Measured(median(times), "");
    }

    /**
     * nc into a file: a listening nc writes what it receives into {@code copy}; the sender is nc too.
     * Timed from the sender's start to the listener's exit. A sender that came before the listener was
     * ready is refused at once and tried again, with the clock started anew.
     */
    private Measured measureNc(Path file, Path copy) throws IOException, InterruptedException {
        progress.println("bench: nc -l 127.0.0.1 PORT > " + copy + "  /  nc -N 127.0.0.1 PORT < " + file);
        double[] times = new double[settings.runs()];
        for (int i = -settings.warmups(); i < settings.runs(); i++) {
            Files.deleteIfExists(copy);
            int port = freePort();
            Process listener = new ProcessBuilder("nc", "-l", "127.0.0.1", Integer.toString(port))
                    .redirectOutput(copy.toFile()).redirectError(logs.resolve("nc-listener.log").toFile())
                    .redirectInput(new File("/dev/null")).start();
            double seconds = Double.NaN;
            for (int attempt = 0; attempt < 200 && listener.isAlive(); attempt++) {
                long began = System.nanoTime();
                Process sender = new ProcessBuilder("nc", "-N", "127.0.0.1", Integer.toString(port))
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
            listener.destroy();
            listener.waitFor();
            if (Double.isNaN(seconds) || Files.size(copy) != Files.size(file)) {
                return Measured.skipped("failed: nc did not deliver the file ("
                        + lastLine(logs.resolve("nc-sender.log"))
                        + ")");
            }
            if (i >= 0) {
                times[i] = seconds;
            }
        }
        Files.deleteIfExists(copy);
        return new Measured(median(times), "");
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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
