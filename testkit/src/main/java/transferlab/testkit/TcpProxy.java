package transferlab.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small TCP proxy for tests: it forwards every connection to a target and can split the stream
 * into small pieces with a pause between them (as a slow network or a proxy may), vary that pause
 * (jitter), stall now and then, and cut a connection after a number of bytes (as a crash or a
 * pulled cable would).
 *
 * <pre>
 *   try (TcpProxy proxy = TcpProxy.start(server, TcpProxy.Faults.none().splitInto(1, Duration.ofMillis(2)))) {
 *       // connect to proxy.address() instead of the server
 *   }
 * </pre>
 * The pauses are the network being simulated, not a test waiting for something.
 *
 * <p>A recording proxy ({@link #recording}) also keeps the bytes that crossed each connection, each
 * way, so that a grader can judge a program by the wire and not only by its effects: a client
 * passes a transfer only if the file's bytes crossed its connection ({@link #carried}).
 */
public final class TcpProxy implements AutoCloseable {
    /**
     * What the proxy does to each connection.
     *
     * @param pieceBytes    forward at most this many bytes per write (0: as they come)
     * @param pieceDelay    pause before each piece
     * @param cutUpstreamAfter   close both sides once this many client-to-server bytes were forwarded (-1: never)
     * @param cutDownstreamAfter close both sides once this many server-to-client bytes were forwarded (-1: never)
     * @param jitter        add a random pause of up to this much to each piece's delay
     * @param stallEvery    after every this many bytes in one direction, stall (0: never)
     * @param stall         how long a stall lasts
     * @param singleBytesFirst forward the first this many bytes of each direction one byte per write
     * @param randomPieces  pieces are of a random size between 1 and pieceBytes, not all of pieceBytes
     * @param segmentBytes  MSS-like pieces (0: off): what came in one read and fits one segment goes
     *                      whole; more goes as bursts of up to pieceBytes in whole segments, now and
     *                      then cut short, as a real sender's segments and a receiver's reads fall
     * @param lossChance    the chance that a piece is lost and sent again: it arrives late, not missing
     * @param lossDelay     the longest such late arrival (a retransmission)
     */
    public record Faults(int pieceBytes, Duration pieceDelay, long cutUpstreamAfter, long cutDownstreamAfter,
                         Duration jitter, long stallEvery, Duration stall, long singleBytesFirst,
                         boolean randomPieces, int segmentBytes, double lossChance, Duration lossDelay) {
        public static Faults none() {
            return new Faults(0, Duration.ZERO, -1, -1, Duration.ZERO, 0, Duration.ZERO, 0, false, 0, 0,
                    Duration.ZERO);
        }

        /**
         * Segments as a real poor network makes them: a small write (up to {@code mss} bytes) arrives
         * whole, a large one in bursts of whole segments up to {@code burstBytes}, some cut short;
         * {@code delay} before each burst.
         */
        public Faults segmentsOf(int mss, int burstBytes, Duration delay) {
            return new Faults(burstBytes, delay, cutUpstreamAfter, cutDownstreamAfter, jitter, stallEvery, stall,
                    singleBytesFirst, false, mss, lossChance, lossDelay);
        }

        /** Now and then ({@code chance} per piece) a piece is lost and TCP sends it again: up to {@code upTo} late. */
        public Faults losing(double chance, Duration upTo) {
            return new Faults(pieceBytes, pieceDelay, cutUpstreamAfter, cutDownstreamAfter, jitter, stallEvery, stall,
                    singleBytesFirst, randomPieces, segmentBytes, chance, upTo);
        }

        public Faults splitInto(int bytes, Duration delay) {
            return new Faults(bytes, delay, cutUpstreamAfter, cutDownstreamAfter, jitter, stallEvery, stall,
                    singleBytesFirst, randomPieces, segmentBytes, lossChance, lossDelay);
        }

        public Faults cutUpstreamAfter(long bytes) {
            return new Faults(pieceBytes, pieceDelay, bytes, cutDownstreamAfter, jitter, stallEvery, stall,
                    singleBytesFirst, randomPieces, segmentBytes, lossChance, lossDelay);
        }

        public Faults cutDownstreamAfter(long bytes) {
            return new Faults(pieceBytes, pieceDelay, cutUpstreamAfter, bytes, jitter, stallEvery, stall,
                    singleBytesFirst, randomPieces, segmentBytes, lossChance, lossDelay);
        }

        public Faults withJitter(Duration upTo) {
            return new Faults(pieceBytes, pieceDelay, cutUpstreamAfter, cutDownstreamAfter, upTo, stallEvery, stall,
                    singleBytesFirst, randomPieces, segmentBytes, lossChance, lossDelay);
        }

        public Faults stallEvery(long bytes, Duration pause) {
            return new Faults(pieceBytes, pieceDelay, cutUpstreamAfter, cutDownstreamAfter, jitter, bytes, pause,
                    singleBytesFirst, randomPieces, segmentBytes, lossChance, lossDelay);
        }

        /** The first {@code bytes} of each direction go one byte per write, as over the worst network. */
        public Faults singleBytesFirst(long bytes) {
            return new Faults(pieceBytes, pieceDelay, cutUpstreamAfter, cutDownstreamAfter, jitter, stallEvery, stall,
                    bytes, randomPieces, segmentBytes, lossChance, lossDelay);
        }

        /** Pieces of a random size from 1 to {@code maxBytes}, as segments of a real network vary. */
        public Faults randomPiecesUpTo(int maxBytes, Duration delay) {
            return new Faults(maxBytes, delay, cutUpstreamAfter, cutDownstreamAfter, jitter, stallEvery, stall,
                    singleBytesFirst, true, 0, lossChance, lossDelay);
        }

        /** The size of the next piece, with {@code forwarded} bytes sent and {@code left} in the buffer. */
        public int nextPiece(long forwarded, int left) {
            if (forwarded < singleBytesFirst) {
                return 1;
            }
            if (segmentBytes > 0) {
                return segment(left);
            }
            if (pieceBytes <= 0) {
                return left;
            }
            int most = Math.min(pieceBytes, left);
            return randomPieces ? 1 + ThreadLocalRandom.current().nextInt(most) : most;
        }

        private int segment(int left) {
            if (left <= segmentBytes) {
                return left; // a small write is one segment: it arrives whole
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int piece = Math.min(left, segmentBytes * (1 + random.nextInt(Math.max(1, pieceBytes / segmentBytes))));
            // One burst in eight ends early, where a read of the receiver or a write of the sender fell.
            return random.nextInt(8) == 0 ? 1 + random.nextInt(piece) : piece;
        }

        /** The pause before a piece: the delay, plus up to the jitter, plus a retransmission now and then. */
        long delayNanos() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long extra = jitter.isZero() ? 0 : random.nextLong(jitter.toNanos() + 1);
            if (lossChance > 0 && random.nextDouble() < lossChance) {
                extra += random.nextLong(lossDelay.toNanos() / 2, lossDelay.toNanos() + 1);
            }
            return pieceDelay.toNanos() + extra;
        }
    }

    private static final AtomicInteger PROXIES = new AtomicInteger();
    private final ServerSocket listener;
    /**
     * Blocked in the listener's accept() until {@link #close}: a listener closed under it lets go of
     * its port only once this thread has left accept(), so close() waits for it (a fixed
     * {@code --client-port} is bound again by the next test at once).
     */
    private final Thread acceptor;
    private final InetSocketAddress target;
    private final Faults faults;
    private final int faultyConnections;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger cuts = new AtomicInteger();
    private final String name = "proxy-" + PROXIES.incrementAndGet();
    /** Per connection, the bytes that went each way ({@link #recording} proxies only), at most {@link #RECORDED}. */
    private final List<Crossed> crossed = new CopyOnWriteArrayList<>();
    private volatile boolean recording;

    /** The most a recording proxy keeps of one direction of one connection. */
    public static final int RECORDED = 16 << 20;

    /** Which way bytes crossed: from the client to the server, or back. */
    public enum Direction { UPSTREAM, DOWNSTREAM }

    /** What crossed one connection, each way (the first {@link #RECORDED} bytes, and the count of all). */
    private static final class Crossed {
        final java.io.ByteArrayOutputStream up = new java.io.ByteArrayOutputStream();
        final java.io.ByteArrayOutputStream down = new java.io.ByteArrayOutputStream();
        final java.util.concurrent.atomic.AtomicLong upCount = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong downCount = new java.util.concurrent.atomic.AtomicLong();

        void add(Direction direction, byte[] bytes, int offset, int length) {
            java.io.ByteArrayOutputStream kept = direction == Direction.UPSTREAM ? up : down;
            (direction == Direction.UPSTREAM ? upCount : downCount).addAndGet(length);
            synchronized (kept) {
                kept.write(bytes, offset, Math.max(0, Math.min(length, RECORDED - kept.size())));
            }
        }

        byte[] bytes(Direction direction) {
            java.io.ByteArrayOutputStream kept = direction == Direction.UPSTREAM ? up : down;
            synchronized (kept) {
                return kept.toByteArray();
            }
        }
    }
    /** How long {@link #close} waits for the accept thread: a connect to the target in progress, at most. */
    private static final Duration ACCEPTOR_STOPS_WITHIN = Duration.ofSeconds(11);
    /** How long a client's end of stream waits for the server's own close, with {@link #resettingTargetClosingFirst}. */
    static final Duration TARGET_CLOSE_GRACE = Duration.ofMillis(200);
    /** Close a connection the target closed first with a reset, so that it leaves no TIME_WAIT on the target's port. */
    private volatile boolean resetTargetClosingFirst;

    private TcpProxy(ServerSocket listener, InetSocketAddress target, Faults faults, int faultyConnections) {
        this.listener = listener;
        this.target = target;
        this.faults = faults;
        this.faultyConnections = faultyConnections;
        this.acceptor = new Thread(this::acceptLoop, name + "-accept");
        acceptor.setDaemon(true);
    }

    /** Listens on a free loopback port and forwards to {@code target}, applying {@code faults} to every connection. */
    public static TcpProxy start(InetSocketAddress target, Faults faults) throws IOException {
        return start(target, faults, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #start(InetSocketAddress, Faults)}, but only the first {@code faultyConnections}
     * connections suffer the faults; later ones pass untouched. A client that reconnects after a cut
     * (the ranged client asking for a block again) then gets through.
     */
    public static TcpProxy start(InetSocketAddress target, Faults faults, int faultyConnections) throws IOException {
        return startOn(0, target, faults, faultyConnections);
    }

    /** The same, listening on {@code port} (0: any free one), e.g. one of a grader's {@code --port-range}. */
    public static TcpProxy startOn(int port, InetSocketAddress target, Faults faults, int faultyConnections)
            throws IOException {
        ServerSocket listener = new ServerSocket(port, 256, InetAddress.getLoopbackAddress());
        TcpProxy proxy = new TcpProxy(listener, target, faults, faultyConnections);
        proxy.acceptor.start();
        return proxy;
    }

    /** A proxy without faults that keeps what crosses it: to judge the programs on both sides by the wire. */
    public static TcpProxy recording(InetSocketAddress target) throws IOException {
        return recording(0, target);
    }

    /** The same, listening on {@code port} (0: any free one): where a fixed-port client connects. */
    public static TcpProxy recording(int port, InetSocketAddress target) throws IOException {
        ServerSocket listener = new ServerSocket(port, 256, InetAddress.getLoopbackAddress());
        TcpProxy proxy = new TcpProxy(listener, target, Faults.none(), Integer.MAX_VALUE);
        proxy.recording = true;
        proxy.acceptor.start();
        return proxy;
    }

    /** How many connections the proxy has forwarded so far. */
    public int connections() {
        return accepted.get();
    }

    /** The bytes that crossed the proxy {@code direction}, over every connection ({@link #recording} proxies). */
    public long bytesCarried(Direction direction) {
        return crossed.stream().mapToLong(each -> (direction == Direction.UPSTREAM ? each.upCount : each.downCount)
                .get()).sum();
    }

    /**
     * Whether {@code content} crossed one connection {@code direction}, whole and in order (what a
     * protocol frames around it does not matter). Empty content: whether any connection was made.
     */
    public boolean carried(byte[] content, Direction direction) {
        if (content.length == 0) {
            return !crossed.isEmpty();
        }
        for (Crossed connection : crossed) {
            if (indexOf(connection.bytes(direction), content) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        int prefix = Math.min(needle.length, 16);
        for (int at = 0; at + needle.length <= haystack.length; at++) {
            if (haystack[at] == needle[0]
                    && java.util.Arrays.equals(haystack, at, at + prefix, needle, 0, prefix)
                    && java.util.Arrays.equals(haystack, at, at + needle.length, needle, 0, needle.length)) {
                return at;
            }
        }
        return -1;
    }

    /**
     * A connection whose target (the server) closed first is closed towards it with a reset once
     * the client closes too, instead of the usual FIN: the server's side then leaves no TIME_WAIT
     * behind, which would keep a server without SO_REUSEADDR from binding its fixed port again for
     * a minute. Everything the client sent was handed on before; the server, having closed, reads
     * no more. A client's end of stream waits up to {@link #TARGET_CLOSE_GRACE} for the server's
     * close before it is passed on. Call it before the proxy's address is given to anyone.
     */
    public TcpProxy resettingTargetClosingFirst() {
        resetTargetClosingFirst = true;
        return this;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** How many connections the proxy has cut so far. */
    public int cuts() {
        return cuts.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // the proxy was closed
            }
            Socket server = new Socket();
            try {
                server.connect(target, 10_000);
                // Each piece leaves as its own segment at once: without this, Nagle's algorithm holds
                // a small write until the last is acknowledged, merging pieces and adding delays.
                server.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException refused) {
                // The target is gone or refused: the client sees its connection closed, as it would
                // without the proxy, and the proxy goes on accepting.
                closeQuietly(server);
                closeQuietly(client);
                continue;
            }
            open.add(client);
            open.add(server);
            AtomicInteger directionsDone = new AtomicInteger();
            CountDownLatch targetEnded = new CountDownLatch(1);
            Faults applied = accepted.getAndIncrement() < faultyConnections ? faults : Faults.none();
            Crossed record = recording ? new Crossed() : null;
            if (record != null) {
                crossed.add(record);
            }
            pump(client, server, applied, applied.cutUpstreamAfter(), "up", directionsDone, targetEnded, record);
            pump(server, client, applied, applied.cutDownstreamAfter(), "down", directionsDone, targetEnded, record);
        }
    }

    private void pump(Socket from, Socket to, Faults faults, long cutAfter, String direction,
                      AtomicInteger directionsDone, CountDownLatch targetEnded, Crossed record) {
        boolean up = direction.equals("up");
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            long forwarded = 0;
            try {
                InputStream in = from.getInputStream(); // not closed here: that would close the socket
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    int offset = 0;
                    while (offset < n) {
                        int piece = faults.nextPiece(forwarded, n - offset);
                        if (cutAfter >= 0 && forwarded + piece > cutAfter) {
                            piece = (int) (cutAfter - forwarded);
                        }
                        long delay = faults.delayNanos();
                        if (faults.stallEvery() > 0 && forwarded > 0
                                && forwarded / faults.stallEvery() != (forwarded + piece) / faults.stallEvery()) {
                            delay += faults.stall().toNanos(); // the piece that crosses a stall boundary waits
                        }
                        if (delay > 0) {
                            TimeUnit.NANOSECONDS.sleep(delay); // the simulated network
                        }
                        out.write(buffer, offset, piece);
                        out.flush();
                        if (record != null) {
                            record.add(direction.equals("up") ? Direction.UPSTREAM : Direction.DOWNSTREAM, buffer,
                                    offset, piece);
                        }
                        offset += piece;
                        forwarded += piece;
                        if (cutAfter >= 0 && forwarded >= cutAfter) {
                            cuts.incrementAndGet();
                            closeQuietly(from);
                            closeQuietly(to);
                            return;
                        }
                    }
                }
                if (!up) {
                    targetEnded.countDown(); // before the client can hear of it
                }
                if (up && resetTargetClosingFirst && targetEndsSoon(targetEnded)) {
                    to.setSoLinger(true, 0); // the server closed first: reset, leaving no TIME_WAIT on its port
                } else {
                    to.shutdownOutput(); // pass the end of stream on, half-close like the real peer
                }
                if (directionsDone.incrementAndGet() == 2) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            } catch (IOException e) {
                // This direction broke (say the server reset it, having refused and closed): the
                // other direction still delivers what was already sent, as a network would, e.g. the
                // refusal line the server wrote before it closed. The last direction closes both.
                if (!up) {
                    targetEnded.countDown();
                }
                if (up && resetTargetClosingFirst && targetEnded.getCount() == 0) {
                    lingerNot(to); // as above: no FIN after the server's own close
                    closeQuietly(from);
                    closeQuietly(to);
                    return;
                }
                shutdownQuietly(from, to);
                if (directionsDone.incrementAndGet() == 2) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            } catch (InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name + "-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Whether the server closed its side, or does so within {@link #TARGET_CLOSE_GRACE}. The client's
     * end of stream often crosses the server's own close (a server that stops after reading the
     * announced size): its FIN may already be in our socket while the downstream thread has not
     * read it yet. A FIN sent to it then would leave the server's port in TIME_WAIT for a minute; a
     * server that waits for the end of stream gets it after the grace and closes second, which
     * leaves none.
     */
    private static boolean targetEndsSoon(CountDownLatch targetEnded) throws InterruptedException {
        return targetEnded.await(TARGET_CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops one direction: nothing more is read from {@code from} or written to {@code to}. */
    private static void shutdownQuietly(Socket from, Socket to) {
        try {
            from.shutdownInput();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            to.shutdownOutput();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closeQuietly(listener);
        try {
            acceptor.join(ACCEPTOR_STOPS_WITHIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (resetTargetClosingFirst) {
            open.forEach(TcpProxy::lingerNot); // the server may be gone: no FIN that would leave a TIME_WAIT
        }
        open.forEach(TcpProxy::closeQuietly);
    }

    private static void lingerNot(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
