package transferlab.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import transferlab.stagetwo.StageTwoServer;
import transferlab.progress.TransferProgress;
import transferlab.server.IterativeServer;
import transferlab.server.NamedThreads;
import transferlab.server.ServerLog;
import transferlab.upload.UploadClient;
import transferlab.upload.UploadHandler;
import transferlab.upload.UploadLimits;
import transferlab.upload.UploadResult;
import transferlab.testkit.InProcessServer;
import transferlab.testkit.TestFiles;

/**
 * Measures, by hand, how long 1,000 concurrent clients take to upload 64 KiB each to every upload
 * server of stages 1 and 2 (median of a few runs). Not part of {@code mvn verify}: tests check
 * correctness, never speed. Run it from the repository root after {@code mvn -o -q test-compile}:
 * <pre>
 *   $ cp="multi-client/target/test-classes:multi-client/target/classes:single-client/target/classes"
 *   $ java -cp "$cp:$(cat multi-client/target/test.classpath)" \
 *         transferlab.load.ThousandClientsBenchmark 3
 *   1000 clients x 65536 bytes, java 17.0.15+6-Debian-1deb12u1, 2 cores
 *   server             settle   runs (s) -> median
 *   iterative          50 ms     58.67 55.00 54.35 -> 55.00
 *   thread-per-client  50 ms      2.00  1.64  1.74 -> 1.74
 *   …
 * </pre>
 * Arguments: runs per server (default 3), clients (default 1000), bytes each (default 65536), and
 * optionally a comma-separated list of servers. {@code BENCH_TIMELINE=1} adds each run's timeline.
 * Each server runs twice: with the default header settle window (50 ms) and with none.
 * Its clients are threads in the server's own JVM: right for comparing the four servers at 1,000; for
 * 15,000 clients against a server in a process of its own (its memory, its descriptors) see
 * {@link ManyClientsLoad}.
 */
public final class ThousandClientsBenchmark {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int bytes = args.length > 2 ? Integer.parseInt(args[2]) : 64 * 1024;
        List<String> only = args.length > 3 ? Arrays.asList(args[3].split(",")) : List.of();
        Path sources = Files.createTempDirectory("bench-sources");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            files.add(TestFiles.write(sources, "client-" + i + ".bin", bytes, i));
        }
        System.out.printf("%d clients x %d bytes, java %s, %d cores%n", clients, bytes, Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("%-18s %-8s %s%n", "server", "settle", "runs (s) -> median");
        for (Duration settle : List.of(UploadLimits.DEFAULT_HEADER_SETTLE, Duration.ZERO)) {
            UploadLimits limits = UploadLimits.defaults().withHeaderSettle(settle).withMaxConnections(clients + 100)
                    .withMaxPerAddress(clients + 100); // every client comes from 127.0.0.1
            for (String name : List.of("iterative", "thread-per-client", "pool", "event-loop")) {
                if (!only.isEmpty() && !only.contains(name)) {
                    continue;
                }
                double[] seconds = new double[runs];
                for (int run = 0; run < runs; run++) {
                    Path received = Files.createTempDirectory("bench-received");
                    try (InProcessServer server = start(name, received, limits)) {
                        long start = System.nanoTime();
                        uploadAll(server.address(), files);
                        seconds[run] = (System.nanoTime() - start) / 1e9;
                    }
                    deleteTree(received);
                }
                double[] sorted = seconds.clone();
                Arrays.sort(sorted);
                StringBuilder line = new StringBuilder();
                for (double s : seconds) {
                    line.append(String.format("%6.2f", s));
                }
                System.out.printf("%-18s %-8s %s -> %.2f%n", name, settle.toMillis() + " ms", line, sorted[runs / 2]);
            }
        }
        deleteTree(sources);
    }

    private static InProcessServer start(String name, Path directory, UploadLimits limits) throws IOException {
        if (name.equals("iterative")) {
            // Stage 1's server as it is, but with a listen backlog that holds 1,000 waiting clients.
            ServerSocket listener = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            IterativeServer server = new IterativeServer(listener,
                    UploadHandler.into(directory, limits, ServerLog.silent()), ServerLog.silent());
            return StageTwoServer.running(server, directory, () -> 0, name);
        }
        for (StageTwoServer kind : StageTwoServer.values()) {
            if (kind.toString().equals(name)) {
                return kind.start(directory, limits);
            }
        }
        throw new IllegalArgumentException("no server called " + name);
    }

    private static void uploadAll(InetSocketAddress server, List<Path> files) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(files.size(), NamedThreads.platform("bench-client-"));
        try {
            List<Future<UploadResult>> results = new ArrayList<>();
            for (Path file : files) {
                results.add(clients.submit(() -> new UploadClient(Duration.ofSeconds(120))
                        .upload(server, file, file.getFileName().toString(), TransferProgress.hidden())));
            }
            long[] goAheadWait = new long[files.size()];
            long firstConnected = Long.MAX_VALUE;
            long lastFinished = Long.MIN_VALUE;
            int i = 0;
            for (Future<UploadResult> result : results) {
                UploadResult upload = result.get(300, TimeUnit.SECONDS);
                if (!upload.verified()) {
                    throw new IllegalStateException(upload.name() + " arrived damaged");
                }
                goAheadWait[i++] = upload.goAheadNanos() - upload.connectedNanos();
                firstConnected = Math.min(firstConnected, upload.connectedNanos());
                lastFinished = Math.max(lastFinished, upload.finishedNanos());
            }
            if (System.getenv("BENCH_TIMELINE") != null) {
                Arrays.sort(goAheadWait);
                System.out.printf("  first connect to last ok %.2f s; wait for go ahead: median %.3f s, max %.3f s%n",
                        (lastFinished - firstConnected) / 1e9, goAheadWait[goAheadWait.length / 2] / 1e9,
                        goAheadWait[goAheadWait.length - 1] / 1e9);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
