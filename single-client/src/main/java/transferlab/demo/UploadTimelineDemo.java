package transferlab.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * concurrent one; the only difference is the server. On a terminal the timeline grows while the
 * clients wait and send; elsewhere (a pipe, a log) it is printed once, at the end.
 */
public final class UploadTimelineDemo {
    /** How one demo part starts its server. */
    @FunctionalInterface
    public interface ServerStarter {
        TcpServer bind(InetSocketAddress address, ConnectionHandler handler) throws IOException;
    }

    static final String[] CLIENTS = {"alpha", "beta", "gamma"};
    static final long FILE_BYTES = 4L << 20;            // 4 MiB each
    private static final int TIMELINE_WIDTH = 40; // every line of the demo fits 80 columns
    /** How often the live timeline is redrawn: a column is 50 ms at the normal pace. */
    private static final long FRAME_MILLIS = 50;
    private static final String CURSOR_UP = "\u001b[%dA";
    private static final String ERASE_TO_END_OF_LINE = "\u001b[K";

    private final PrintStream out;
    private final DemoOptions options;
    private final boolean live;

    /** A demo that draws live only if {@code out} is the terminal (System.console() exists). */
    public UploadTimelineDemo(PrintStream out, DemoOptions options) {
        this(out, options, out == System.out && System.console() != null);
    }

    UploadTimelineDemo(PrintStream out, DemoOptions options, boolean live) {
        this.out = out;
        this.options = options;
        this.live = live;
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
                out.printf("  server 127.0.0.1:%d; 3 clients at once, each sends %d MiB at %s MiB/s%n",
                        server.address().getPort(), FILE_BYTES >> 20, mebibytes(clientRate()));
                options.pauseBefore("starts the three clients", out);
                out.println();
                List<UploadResult> results = uploadAtOnce(server.address().getPort(), files);
                out.println("  ('.' connected, waiting for \"go ahead\"   '#' sending content)");
                boolean intact = verify(results, received, files);
                out.printf("  all 3 uploads done %.2f s after the first client connected%n", totalSeconds(results));
                return intact;
            }
        } finally {
            SampleFiles.deleteTree(work);
        }
    }

    /** Each client's rate: its file in the pace's upload time (8 MiB/s at the normal pace). */
    private long clientRate() {
        return Math.round(FILE_BYTES / options.pace().uploadSeconds);
    }

    /** 8 or 0.8: a whole number without its ".0". */
    static String mebibytes(long bytes) {
        double value = bytes / (double) (1 << 20);
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format("%.1f", value);
    }

    /** One client: its counter (read by the drawing thread) and, once done, its result. */
    private static final class Client {
        final String name;
        final TransferProgress sent = TransferProgress.hidden();
        CompletableFuture<UploadResult> result;
        long sendingSince = -1; // when the drawing first saw bytes sent (live only)

        Client(String name) {
            this.name = name;
        }
    }

    private List<UploadResult> uploadAtOnce(int port, List<Path> files) throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        ExecutorService threads = Executors.newFixedThreadPool(files.size(), runnable -> new Thread(runnable,
                "demo-client"));
        try {
            List<Client> clients = new ArrayList<>();
            long start = System.nanoTime();
            for (Path file : files) {
                UploadClient uploader = new UploadClient(Duration.ofSeconds(60), clientRate());
                String name = file.getFileName().toString();
                Client client = new Client(name.replace(".bin", ""));
                client.result = CompletableFuture.supplyAsync(() -> {
                    try {
                        return uploader.upload(server, file, name, client.sent);
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                }, threads);
                clients.add(client);
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(clients.stream().map(c -> c.result)
                    .toArray(CompletableFuture[]::new));
            int drawn = 0;
            while (live && !all.isDone()) {
                drawn = draw(liveFrame(clients, start, System.nanoTime()), drawn);
                try {
                    all.get(FRAME_MILLIS, TimeUnit.MILLISECONDS); // the next frame, or sooner when all are done
                } catch (TimeoutException e) {
                    // time for the next frame
                }
            }
            List<UploadResult> results = new ArrayList<>();
            for (Client client : clients) {
                results.add(client.result.get()); // an upload's failure ends the demo with its message
            }
            draw(finalFrame(results), drawn);
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    /** Prints {@code frame}, over the {@code drawn} lines printed before it; returns its height. */
    private int draw(List<String> frame, int drawn) {
        StringBuilder text = new StringBuilder();
        if (drawn > 0) {
            text.append(String.format(CURSOR_UP, drawn));
        }
        for (String line : frame) {
            text.append(live ? "\r" + line + ERASE_TO_END_OF_LINE : line).append('\n'); // a pipe gets plain lines
        }
        out.print(text);
        out.flush();
        return frame.size();
    }

    /**
     * The timeline while the uploads run: who waits, who sends, up to now. A client still sending
     * started when the drawing first saw its bytes (within a frame); a finished one by its own clock.
     */
    private List<String> liveFrame(List<Client> clients, long start, long now) {
        double span = options.pace().timelineSeconds * 1e9;
        record Row(long goAhead, String line) {
        }
        List<Row> rows = new ArrayList<>();
        for (Client client : clients) {
            if (client.sendingSince < 0 && client.sent.done() > 0) {
                client.sendingSince = now;
            }
            UploadResult done = client.result.isDone() && !client.result.isCompletedExceptionally()
                    ? client.result.join() : null;
            long connected = done == null ? 0 : done.connectedNanos() - start;
            long goAhead = done != null ? done.goAheadNanos() - start
                    : client.sendingSince < 0 ? -1 : client.sendingSince - start;
            long finished = done == null ? -1 : done.finishedNanos() - start;
            rows.add(new Row(goAhead < 0 ? Long.MAX_VALUE : goAhead,
                    row(client.name, connected, goAhead, finished, now - start, span)));
        }
        rows.sort(Comparator.comparingLong(Row::goAhead)); // in serving order, those still waiting last
        List<String> frame = new ArrayList<>();
        frame.add(header(span));
        rows.forEach(r -> frame.add(r.line()));
        return frame;
    }

    /** The timeline from the clients' own clocks, once every upload is done. */
    private List<String> finalFrame(List<UploadResult> results) {
        long start = results.stream().mapToLong(UploadResult::connectedNanos).min().orElseThrow();
        long end = results.stream().mapToLong(UploadResult::finishedNanos).max().orElseThrow();
        double span = Math.max(options.pace().timelineSeconds * 1e9, end - start);
        List<UploadResult> inServingOrder = new ArrayList<>(results);
        inServingOrder.sort(Comparator.comparingLong(UploadResult::goAheadNanos));
        List<String> frame = new ArrayList<>();
        frame.add(header(span));
        for (UploadResult r : inServingOrder) {
            frame.add(row(r.name().replace(".bin", ""), r.connectedNanos() - start, r.goAheadNanos() - start,
                    r.finishedNanos() - start, end - start, span));
        }
        return frame;
    }

    /** The columns' names, and the timeline's scale from its first column to its last. */
    private static String header(double span) {
        String end = String.format("%.1f s", span / 1e9);
        return String.format("  %-7s %-8s %-15s 0 s", "client", "waited", "uploading")
                + " ".repeat(TIMELINE_WIDTH - 3 - end.length()) + end;
    }

    /**
     * One client's line: {@code .} connected and waiting for "go ahead", {@code #} sending. Times
     * are nanoseconds from the start; -1: not yet (still waiting, still sending) at {@code now}.
     */
    static String row(String name, long connected, long goAhead, long finished, long now, double span) {
        long waitedUntil = goAhead < 0 ? now : goAhead;
        long sentUntil = finished < 0 ? now : finished;
        String bar = " ".repeat(column(connected, span)) + ".".repeat(Math.max(0, column(waitedUntil, span)
                - column(connected, span)));
        if (goAhead >= 0) {
            bar += "#".repeat(Math.max(1, column(sentUntil, span) - column(goAhead, span)));
        }
        String uploading = goAhead < 0 ? "" : String.format("%5.2f-%s", goAhead / 1e9,
                finished < 0 ? "" : String.format("%5.2f s", finished / 1e9));
        return String.format("  %-7s %5.2f s  %-14s |%-" + TIMELINE_WIDTH + "s|", name,
                (waitedUntil - connected) / 1e9, uploading, bar.substring(0, Math.min(bar.length(), TIMELINE_WIDTH)));
    }

    private static int column(long nanos, double span) {
        return (int) Math.min(TIMELINE_WIDTH, Math.round(nanos / span * TIMELINE_WIDTH));
    }

    /** From the first client's connection to the last upload's end: the figure stages 1 and 2 compare. */
    static double totalSeconds(List<UploadResult> results) {
        long start = results.stream().mapToLong(UploadResult::connectedNanos).min().orElseThrow();
        long end = results.stream().mapToLong(UploadResult::finishedNanos).max().orElseThrow();
        return (end - start) / 1e9;
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
