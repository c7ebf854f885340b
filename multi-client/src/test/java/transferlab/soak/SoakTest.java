package transferlab.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import transferlab.progress.TransferProgress;
import transferlab.server.PooledServer;
import transferlab.server.ServerLog;
import transferlab.stagetwo.StageTwoServer;
import transferlab.storage.Hashes;
import transferlab.testkit.InProcessServer;
import transferlab.testkit.RawUploadClient;
import transferlab.testkit.TestFiles;
import transferlab.update.PollResult;
import transferlab.update.UpdateClient;
import transferlab.update.UpdateFrame;
import transferlab.update.UpdateLimits;
import transferlab.update.UpdateOffer;
import transferlab.update.UpdateProtocol;
import transferlab.update.UpdateRequest;
import transferlab.update.UpdateServer;
import transferlab.upload.UploadClient;
import transferlab.upload.UploadFailedException;
import transferlab.upload.UploadLimits;
import transferlab.upload.UploadResult;

/**
 * The soak (issue 11): 1,000 clients at once against one server for some minutes, on loopback. Of
 * every ten clients one is killed mid-transfer (a reset after part of the bytes), one is slow (16 KiB/s),
 * and eight go as fast as they can; each repeats its transfer until the time is up. Afterwards the
 * server's process is back at its baseline (open descriptors, threads, heap after a GC), every
 * completed file is intact (the server's sha256, and the file on disk), no killed transfer left a
 * file or a temporary file. Not part of {@code mvn verify}; run it with the profile {@code soak}:
 * <pre>
 *   mvn -pl multi-client -am verify -Psoak -Dsoak.seconds=120
 *   soak event-loop: 125 s, 1000 clients: 76733 completed and verified, 12563 killed mid-transfer, 0 refused …
 *     before: 43 descriptors, 9 threads, 8 MiB heap
 *     after:  43 descriptors, 9 threads, 8 MiB heap
 * </pre>
 * {@code -Dsoak.clients=N} changes the number of clients, {@code -Dsoak.servers=pool,update} the servers.
 * Figures of a run are in resources/soak.md.
 */
@Tag("soak")
class SoakTest {
    private static final int CLIENTS = Integer.getInteger("soak.clients", 1000);
    private static final Duration TIME = Duration.ofSeconds(Long.getLong("soak.seconds", 120));
    private static final int FILE_BYTES = 64 * 1024;
    private static final int SLOW_BYTES_PER_SECOND = 16 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final java.io.PrintStream QUIET = new java.io.PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path temp;

    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong killed = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private final AtomicLong notYetOffered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

    @ParameterizedTest
    @ValueSource(strings = {"thread-per-client", "pool", "event-loop", "update"})
    void thousandClientsKilledSlowAndFastLeaveTheServerAsItWas(String server) throws Exception {
        String only = System.getProperty("soak.servers", "");
        org.junit.jupiter.api.Assumptions.assumeTrue(only.isEmpty() || List.of(only.split(",")).contains(server));
        Path sources = Files.createDirectories(temp.resolve("sources"));
        for (int i = 0; i < CLIENTS; i++) {
            TestFiles.write(sources, "slot-" + i + ".bin", FILE_BYTES, i);
        }
        Path served = Files.createDirectories(temp.resolve("served"));
        try (InProcessServer running = start(server, served)) {
            for (int slot = 0; slot < 3; slot++) { // one of each kind first: classes loaded, jars open
                oneTransfer(server, running.address(), sources, served, slot, 0);
            }
            Baseline before = Baseline.now();
            long started = System.nanoTime();
            long end = started + TIME.toNanos();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> slots = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int slot = i;
                slots.add(clients.submit(() -> {
                    for (int round = 1; System.nanoTime() < end; round++) {
                        oneTransfer(server, running.address(), sources, served, slot, round);
                    }
                    return null;
                }));
            }
            for (Future<?> slot : slots) {
                slot.get(TIME.toSeconds() + 2 * TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            double seconds = (System.nanoTime() - started) / 1e9;

            // Back at the baseline: give the server its idle timeout at most to notice the last resets. A
            // pool keeps the workers it started (up to its size); that is the design, not a leak.
            int keptThreads = server.equals("pool") ? PooledServer.DEFAULT_POOL_SIZE : 0;
            boolean settled;
            try {
                await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> Baseline.now().within(before, keptThreads));
                settled = true;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                settled = false;
            }
            Baseline after = Baseline.now();
            System.out.printf("soak %s: %.0f s, %d clients: %d completed and verified, %d killed mid-transfer,"
                            + " %d refused busy (U19; for D a close at accept, D14),"
                            + " %d polls of a killed client found its file still on offer (D10),"
                            + " %d failed, %d corrupt%n  before: %s%n  after:  %s%n",
                    server, seconds, CLIENTS, completed.get(), killed.get(), busy.get(), notYetOffered.get(),
                    failed.get(), corrupt.get(), before, after);
            failures.stream().limit(5).forEach(failure -> System.out.println("  e.g. " + failure));
            assertThat(settled).as("back at the baseline within 40 s: before " + before + ", after " + after).isTrue();
        }
        assertThat(corrupt.get()).as("completed files that are not what was sent").isZero();
        assertThat(completed.get()).isPositive();
        assertThat(failed.get()).as("transfers that failed other than by a kill or 'busy'")
                .isLessThanOrEqualTo(completed.get() / 100);
        assertThat(hiddenFiles(served)).as("temporary files left behind").isEmpty();
        if (!server.equals("update")) {
            try (Stream<Path> files = Files.list(served)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    assertThat(name).as("a killed upload is never stored").startsWith("slot-");
                    assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(sources.resolve(name)));
                }
            }
        }
    }

    private InProcessServer start(String server, Path served) throws IOException {
        UploadLimits limits = UploadLimits.defaults().withMaxConnections(CLIENTS + 100).withMaxPerAddress(CLIENTS + 100)
                .withIdleTimeout(Duration.ofSeconds(10));
        for (StageTwoServer stageTwo : StageTwoServer.all()) {
            if (stageTwo.toString().equals(server)) {
                return stageTwo.start(served, limits);
            }
        }
        UpdateServer update = UpdateServer.bind(new InetSocketAddress("127.0.0.1", 0), served,
                UpdateLimits.defaults().withIdleTimeout(Duration.ofSeconds(10)).withMaxConnections(CLIENTS + 100)
                        .withMaxPerAddress(CLIENTS + 100), ServerLog.silent());
        return StageTwoServer.running(update, served, () -> 0, server);
    }

    private void oneTransfer(String server, InetSocketAddress address, Path sources, Path served, int slot, int round) {
        boolean kill = slot % 10 == 0;
        boolean slow = slot % 10 == 1;
        try {
            if (server.equals("update")) {
                updateOnce(address, sources, served, slot, round, kill, slow);
            } else if (kill) {
                uploadAndKill(address, slot);
            } else {
                Path file = sources.resolve("slot-" + slot + ".bin");
                UploadResult result = new UploadClient(TIMEOUT, slow ? SLOW_BYTES_PER_SECOND : 0)
                        .upload(address, file, file.getFileName().toString(), TransferProgress.hidden());
                (result.verified() ? completed : corrupt).incrementAndGet();
            }
        } catch (UploadFailedException e) {
            if (e.getMessage().contains("busy")) {
                busy.incrementAndGet();
            } else {
                fail(slot, e);
            }
        } catch (IOException | RuntimeException e) {
            fail(slot, e);
        }
    }

    private void fail(int slot, Exception e) {
        failed.incrementAndGet();
        failures.add("slot " + slot + ": " + e);
    }

    /** Header, "go ahead", a quarter of the content, then a reset (SO_LINGER 0), as a killed client. */
    private void uploadAndKill(InetSocketAddress address, int slot) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write(RawUploadClient.header(FILE_BYTES, "killed-" + slot + ".bin"));
            byte[] answer = socket.getInputStream().readNBytes(8);
            if (!new String(answer, java.nio.charset.StandardCharsets.US_ASCII).equals("go ahead")) {
                busy.incrementAndGet();
                return;
            }
            socket.getOutputStream().write(new byte[FILE_BYTES / 4]);
            socket.setSoLinger(true, 0);
        }
        killed.incrementAndGet();
    }

    /**
     * Queues a file for client {@code slot} (written beside, then renamed in, as an operator should),
     * then polls for it: normally with our UpdateClient; slowly, or killed halfway, by hand.
     */
    private void updateOnce(InetSocketAddress address, Path sources, Path outbox, int slot, int round,
                            boolean kill, boolean slow) throws IOException {
        String id = "client-" + slot;
        Path queue = Files.createDirectories(outbox.resolve(id));
        // A killed client never acks, so its one file stays queued and is offered again every round.
        String name = kill ? "killed.bin" : "round-" + round + ".bin";
        if (!Files.exists(queue.resolve(name))) {
            Path staged = Files.copy(sources.resolve("slot-" + slot + ".bin"), queue.resolve(".staged"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, queue.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }
        if (!kill && !slow) {
            Path received = temp.resolve("received-" + slot);
            PollResult result = new UpdateClient(id, received, TIMEOUT, FILE_BYTES, QUIET).poll(address);
            String expected = TestFiles.sha256(sources.resolve("slot-" + slot + ".bin"));
            try (Stream<Path> stored = Files.list(received)) { // every round queues the same bytes
                for (Path file : (Iterable<Path>) stored::iterator) {
                    boolean intact = Hashes.sha256Hex(file).equals(expected);
                    (intact ? completed : corrupt).incrementAndGet();
                    if (!intact) {
                        failures.add("slot " + slot + ": " + file.getFileName() + " is not what was queued");
                    }
                    Files.delete(file); // else the next round's client holds these bytes, and skips them
                }
            }
            if (result.stored() == 0) {
                busy.incrementAndGet(); // closed at accept over a limit (D14): it looks like "nothing queued"
            }
            return;
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            write(out, UpdateRequest.poll(id).encode());
            byte[] json = UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH);
            if (json == null && kill) {
                notYetOffered.incrementAndGet(); // the server has not yet seen the last kill's reset (D10)
                return;
            }
            if (json == null) {
                busy.incrementAndGet(); // closed at accept over a limit (D14); the file stays queued
                return;
            }
            UpdateOffer offer = UpdateOffer.parse(json);
            if (kill) {
                in.readNBytes((int) offer.fileSize() / 4);
                socket.setSoLinger(true, 0);
                killed.incrementAndGet();
                return;
            }
            java.security.MessageDigest sha256 = Hashes.sha256();
            byte[] piece = new byte[SLOW_BYTES_PER_SECOND / 4];
            long started = System.nanoTime();
            for (long got = 0; got < offer.fileSize(); ) {
                int n = in.readNBytes(piece, 0, (int) Math.min(piece.length, offer.fileSize() - got));
                if (n == 0) {
                    throw new IOException("the server closed after " + got + " bytes");
                }
                sha256.update(piece, 0, n);
                got += n;
                long due = started + got * 1_000_000_000L / SLOW_BYTES_PER_SECOND;
                TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime())); // a slow reader, on purpose
            }
            boolean intact = offer.fileHash().equals(UpdateProtocol.wireHash(Hashes.hex(sha256.digest())));
            (intact ? completed : corrupt).incrementAndGet();
            write(out, UpdateRequest.ack(id, offer.fileHash()).encode());
            in.read(); // the server closes: nothing more queued
        } catch (transferlab.update.BadFrameException e) {
            fail(slot, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(OutputStream out, ByteBuffer frame) throws IOException {
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
    }

    private static List<String> hiddenFiles(Path directory) throws IOException {
        try (Stream<Path> all = Files.walk(directory)) {
            return all.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".part")).toList();
        }
    }

    /** What the process holds: open descriptors, live threads, heap in use after a GC. */
    private record Baseline(long descriptors, int threads, long heapBytes) {
        static Baseline now() {
            System.gc();
            UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new Baseline(os.getOpenFileDescriptorCount(), ManagementFactory.getThreadMXBean().getThreadCount(),
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }

        /** A few descriptors and threads above {@code base} (and the threads a pool keeps), 16 MiB more heap. */
        boolean within(Baseline base, int keptThreads) {
            return descriptors <= base.descriptors + 8 && threads <= base.threads + 8 + keptThreads
                    && heapBytes <= base.heapBytes + (16 << 20);
        }

        @Override
        public String toString() {
            return descriptors + " descriptors, " + threads + " threads, " + heapBytes / (1 << 20) + " MiB heap";
        }
    }
}
