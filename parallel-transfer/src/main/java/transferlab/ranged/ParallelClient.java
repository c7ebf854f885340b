package transferlab.ranged;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import transferlab.cli.HostPort;
import transferlab.storage.IncomingFile;

/**
 * The client of protocol R: downloads one file over N connections and keeps it only if its MD5 matches.
 *
 * <ol>
 *   <li>{@link #ask}: {@code POST /<path>} with {@code {"threads": N}}; the reply names the MD5, the
 *       size, the block size and the data port (R1-R3);</li>
 *   <li>{@link #fetch}: N threads, each on its own connection, send their block number and write the
 *       block at its offset in one pre-sized temporary file beside the output; a broken block is asked
 *       for again (R14); meanwhile this thread hashes the contiguous prefix (see {@link PrefixHasher});</li>
 *   <li>only if the MD5 matches is the temporary file moved onto the output (R6, R15). Any failure
 *       leaves neither the output nor the temporary file.</li>
 * </ol>
 */
public final class ParallelClient {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Attempts after the first, per block. */
    public static final int DEFAULT_RETRIES_PER_BLOCK = 3;
    /** Receive buffer per connection, at most: 1 MiB measured fastest here. */
    public static final int MAX_BUFFER_BYTES = 1 << 20;
    public static final int MIN_BUFFER_BYTES = 64 * 1024;
    /** Even for a tiny block, do not read a byte at a time. */
    public static final int SMALLEST_BUFFER_BYTES = 4096;
    /** All connections' buffers together stay under this (255 × 1 MiB would be wasteful). */
    public static final long BUFFER_BUDGET_BYTES = 64L << 20;

    private static final JsonMapper JSON = new JsonMapper();
    private final Duration idleTimeout;
    private final int retriesPerBlock;
    private final HttpClient http;

    public ParallelClient() {
        this(DEFAULT_IDLE_TIMEOUT, DEFAULT_RETRIES_PER_BLOCK);
    }

    public ParallelClient(Duration idleTimeout, int retriesPerBlock) {
        if (retriesPerBlock < 0) {
            throw new IllegalArgumentException("retries must be >= 0, was " + retriesPerBlock);
        }
        this.idleTimeout = idleTimeout;
        this.retriesPerBlock = retriesPerBlock;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(idleTimeout)
                .build();
    }

    /** Asks, fetches, verifies and moves into place; see the class comment. */
    public DownloadResult download(InetSocketAddress server, String path, int threads, Path output) throws IOException {
        long began = System.nanoTime();
        DownloadOffer offer = ask(server, path, threads);
        return fetch(server, offer, path, output, began);
    }

    /** Step 1: the control request. Any answer but 200 is a {@link DownloadFailedException} naming status and reason. */
    public DownloadOffer ask(InetSocketAddress server, String path, int threads) throws IOException {
        URI uri;
        try {
            String absolute = path.startsWith("/") ? path : "/" + path;
            uri = new URI("http", null, server.getHostString(), server.getPort(), absolute, null, null);
        } catch (URISyntaxException e) {
            throw new DownloadFailedException("cannot make a URL of the path '" + path + "': " + e.getMessage());
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(idleTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new DownloadRequest(threads).toJson()))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new DownloadFailedException("cannot reach the server at " + HostPort.format(server)
                    + ": connection refused", e);
        } catch (HttpTimeoutException e) {
            throw new DownloadFailedException("the server at " + HostPort.format(server) + " did not answer within "
                    + idleTimeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new DownloadFailedException("the control request to " + HostPort.format(server) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadFailedException("interrupted while asking the server", e);
        }
        if (response.statusCode() != 200) {
            throw new DownloadFailedException("the server answered HTTP " + response.statusCode() + ": "
                    + reason(response.body()));
        }
        return DownloadOffer.parse(response.body(), threads);
    }

    /** Step 2 and 3: receive every block, verify the MD5, move into place. */
    public DownloadResult fetch(InetSocketAddress server, DownloadOffer offer, String label, Path output)
            throws IOException {
        return fetch(server, offer, label, output, System.nanoTime());
    }

    private DownloadResult fetch(InetSocketAddress server, DownloadOffer offer, String label, Path output, long began)
            throws IOException {
        BlockLayout layout = offer.layout();
        InetSocketAddress dataAddress = new InetSocketAddress(server.getAddress(), offer.port());
        int bufferBytes = bufferBytes(layout);
        try (IncomingFile incoming = IncomingFile.create(output);
             StallWatchdog watchdog = new StallWatchdog("ranged-client-watchdog");
             DownloadProgress progress = DownloadProgress.onTerminal(label, layout)) {
            FileChannel file = incoming.channel();
            if (layout.size() > 0) {
                file.write(ByteBuffer.allocate(1), layout.size() - 1); // pre-size: the file has its length from the start
            }
            ReceivedBytes received = new ReceivedBytes(layout);
            BlockReceiver[] receivers = new BlockReceiver[layout.threads()];
            Thread[] threads = new Thread[layout.threads()];
            for (int block = 0; block < layout.threads(); block++) {
                receivers[block] = new BlockReceiver(block, layout, dataAddress, file, received, progress, watchdog,
                        idleTimeout, retriesPerBlock, bufferBytes);
                threads[block] = new Thread(receivers[block], "ranged-client-block-" + block);
                threads[block].start();
            }
            String md5 = null;
            try {
                md5 = new PrefixHasher(file, received, layout.size()).md5Hex();
            } catch (IOException e) {
                received.fail(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                received.fail(new DownloadFailedException("interrupted"));
            } finally {
                if (received.failure() != null) {
                    for (BlockReceiver receiver : receivers) {
                        receiver.abort();
                    }
                }
                joinAll(threads);
            }
            int retries = 0;
            for (BlockReceiver receiver : receivers) {
                retries += receiver.failedAttempts();
            }
            Throwable failure = received.failure();
            if (failure != null) {
                throw failure instanceof DownloadFailedException d ? d
                        : new DownloadFailedException("the download failed: " + failure, failure);
            }
            if (!offer.md5().equalsIgnoreCase(md5)) {
                throw new DownloadFailedException("MD5 mismatch: the server announced " + offer.md5()
                        + ", the " + layout.size() + " bytes received hash to " + md5 + "; nothing was saved");
            }
            incoming.commit();
            return new DownloadResult(offer, output, md5, System.nanoTime() - began, retries);
        }
    }

    /**
     * Each connection's receive buffer: 1 MiB, less when many connections share the budget, and never
     * much more than the block (+1 to notice a byte too many): direct buffers are zeroed when allocated
     * and freed only by the garbage collector, so 255 tiny blocks must not cost 255 MiB.
     */
    static int bufferBytes(BlockLayout layout) {
        long share = Math.max(MIN_BUFFER_BYTES, Math.min(MAX_BUFFER_BYTES, BUFFER_BUDGET_BYTES / layout.threads()));
        return (int) Math.max(SMALLEST_BUFFER_BYTES, Math.min(share, layout.blockSize() + 1));
    }

    private static void joinAll(Thread[] threads) {
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the threads write into our file: wait for them anyway
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The {"error": ...} of an error answer, or the start of its body. */
    private static String reason(byte[] body) {
        try {
            JsonNode error = JSON.readTree(body).get("error");
            if (error != null && error.isTextual()) {
                return error.asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // show the raw text below
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "(no reason given)" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
