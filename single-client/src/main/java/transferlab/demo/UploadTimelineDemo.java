package transferlab.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import transferlab.progress.TransferProgress;
import transferlab.server.ConnectionHandler;
import transferlab.server.ServerLog;
import transferlab.server.TcpServer;
import transferlab.storage.Hashes;
import transferlab.upload.UploadClient;
import transferlab.upload.UploadHandler;
import transferlab.upload.UploadLimits;
import transferlab.upload.UploadResult;

/**
 * The part of the lecture demo that every upload server shares: three clients start at once, each
 * sending its file slowly (as seed 004's test client pauses), and a timeline shows when each one
 * waited and when it was served. Stage 1 runs it against the iterative server, stage 2 against a
 * concurrent one; the only difference is the server.
 */
public final class UploadTimelineDemo {
    /** How one demo part starts its server. */
    @FunctionalInterface
    public interface ServerStarter {
        TcpServer bind(InetSocketAddress address, ConnectionHandler handler) throws IOException;
    }

    static final String[] CLIENTS = {"alpha", "beta", "gamma"};
    static final long FILE_BYTES = 4L << 20;            // 4 MiB each
    static final long CLIENT_RATE = 8L << 20;           // 8 MiB/s: each upload lasts about half a second
    private static final int TIMELINE_WIDTH = 40; // every line of the demo fits 80 columns
    /** Every part draws on the same scale (at least this long), so stage 1 and stage 2 compare at a glance. */
    private static final double TIMELINE_SECONDS = 2.0;

    private final PrintStream out;

    public UploadTimelineDemo(PrintStream out) {
        this.out = out;
    }

    /** Runs the three clients against a server made by {@code starter}; returns true if every file arrived intact. */
    public boolean run(String title, String lesson, ServerStarter starter) throws Exception {
        Path work = Files.createTempDirectory("transfer-lab-demo-");
        try {
            Path sources = Files.createDirectories(work.resolve("to-send"));
            Path received = work.resolve("received");
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < CLIENTS.length; i++) {
                files.add(SampleFiles.random(sources.resolve(CLIENTS[i] + ".bin"), FILE_BYTES, i + 1));
            }
            UploadHandler handler = UploadHandler.into(received, UploadLimits.defaults(), ServerLog.silent());
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            try (TcpServer server = starter.bind(loopback, handler)) {
                server.serveInBackground("demo-server");
                out.println();
                out.println(title);
                out.println("  " + lesson);
                out.printf("  server %s; 3 clients at once, each sends %d MiB at %d MiB/s%n%n",
                        server.address().getPort() == 0 ? "?" : "127.0.0.1:" + server.address().getPort(),
                        FILE_BYTES >> 20, CLIENT_RATE >> 20);
                List<UploadResult> results = uploadAtOnce(server.address().getPort(), files);
                printTimeline(results);
                boolean intact = verify(results, received, files);
                out.printf("  all 3 uploads done %.2f s after the first client connected%n", totalSeconds(results));
                return intact;
            }
        } finally {
            SampleFiles.deleteTree(work);
        }
    }

    private static List<UploadResult> uploadAtOnce(int port, List<Path> files) throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        ExecutorService clients = Executors.newFixedThreadPool(files.size(), runnable -> new Thread(runnable,
                "demo-client"));
        try {
            List<Future<UploadResult>> pending = new ArrayList<>();
            for (Path file : files) {
                UploadClient client = new UploadClient(Duration.ofSeconds(30), CLIENT_RATE);
                String name = file.getFileName().toString();
                pending.add(clients.submit(() -> client.upload(server, file, name, TransferProgress.hidden())));
            }
            List<UploadResult> results = new ArrayList<>();
            for (Future<UploadResult> result : pending) {
                results.add(result.get());
            }
            return results;
        } finally {
            clients.shutdownNow();
        }
    }

    /** From the first client's connection to the last upload's end: the figure stages 1 and 2 compare. */
    static double totalSeconds(List<UploadResult> results) {
        long start = results.stream().mapToLong(UploadResult::connectedNanos).min().orElseThrow();
        long end = results.stream().mapToLong(UploadResult::finishedNanos).max().orElseThrow();
        return (end - start) / 1e9;
    }

    /** One row per client: {@code .} connected and waiting for "go ahead", {@code #} uploading. */
    private void printTimeline(List<UploadResult> results) {
        long start = results.stream().mapToLong(UploadResult::connectedNanos).min().orElseThrow();
        long end = results.stream().mapToLong(UploadResult::finishedNanos).max().orElseThrow();
        double span = Math.max(TIMELINE_SECONDS * 1e9, end - start);
        out.printf("  %-7s %-9s %-15s 0 s %s %.1f s%n", "client", "waited", "uploading",
                " ".repeat(TIMELINE_WIDTH - 8), span / 1e9);
        List<UploadResult> inServingOrder = new ArrayList<>(results);
        inServingOrder.sort(java.util.Comparator.comparingLong(UploadResult::goAheadNanos));
        for (UploadResult r : inServingOrder) {
            int connected = (int) Math.round((r.connectedNanos() - start) / span * TIMELINE_WIDTH);
            int goAhead = (int) Math.round((r.goAheadNanos() - start) / span * TIMELINE_WIDTH);
            int finished = (int) Math.round((r.finishedNanos() - start) / span * TIMELINE_WIDTH);
            String bar = " ".repeat(connected) + ".".repeat(Math.max(0, goAhead - connected))
                    + "#".repeat(Math.max(1, finished - goAhead));
            out.printf("  %-7s %5.2f s   %4.2f-%4.2f s     |%-" + TIMELINE_WIDTH + "s|%n",
                    r.name().replace(".bin", ""), (r.goAheadNanos() - r.connectedNanos()) / 1e9,
                    (r.goAheadNanos() - start) / 1e9, (r.finishedNanos() - start) / 1e9, bar);
        }
        out.println("  ('.' connected, waiting for \"go ahead\"   '#' sending content)");
    }

    private boolean verify(List<UploadResult> results, Path received, List<Path> files) throws IOException {
        boolean intact = true;
        for (int i = 0; i < files.size(); i++) {
            UploadResult r = results.get(i);
            String stored = Hashes.sha256Hex(received.resolve(r.name()));
            boolean ok = r.verified() && stored.equals(Hashes.sha256Hex(files.get(i)));
            intact &= ok;
            out.printf("  %-7s sha256 %s…  %s%n", r.name().replace(".bin", ""), stored.substring(0, 16),
                    ok ? "intact (matches the server's \"ok\")" : "MISMATCH");
        }
        return intact;
    }
}
