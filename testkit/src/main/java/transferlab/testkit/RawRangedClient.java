package transferlab.testkit;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A protocol R (ranged download, seed 000) client at the byte level, for the contract and the
 * grader: {@code POST path} with {@code {"threads": N}} written by hand, then N connections to the
 * data port at once, each sending its block number as one byte and reading to the server's close;
 * the blocks are written at their offsets, and the file is kept only if its MD5 is the announced
 * {@code "hash"}. It is an instrument, not stage 3's {@code RangedClient} (a student exercise,
 * a stub in a student tree): plain threads, no progress, a few retries for a connection that
 * failed (R14), nothing clever.
 *
 * <pre>
 *   RawRangedClient client = new RawRangedClient(Duration.ofSeconds(20));
 *   RawRangedClient.Download got = client.download(server.address(), "file.bin", 4, output);
 *   got.md5();    // the MD5 of what arrived, equal to the offer's "hash"
 * </pre>
 * Given a sink for notes (a test's {@code Timeline::note}) it tells what it sent and read.
 */
public final class RawRangedClient {
    /** R2: 1 to 255 blocks. */
    public static final int MAX_THREADS = 255;
    /** Attempts after the first, per block, for a connection refused, reset or cut short (R14). */
    static final int RETRIES_PER_BLOCK = 3;
    private static final JsonMapper STRICT_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-f]{32}");

    private final int waitMillis;
    private final Consumer<String> notes;

    /** @param wait how long any connect or read waits (already scaled) */
    public RawRangedClient(Duration wait) {
        this(wait, note -> { });
    }

    public RawRangedClient(Duration wait, Consumer<String> notes) {
        this.waitMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, wait.toMillis()));
        this.notes = notes;
    }

    /** A download that failed: the server refused, the blocks did not add up, or the MD5 differed. */
    public static final class Failed extends IOException {
        public Failed(String message) {
            super(message);
        }
    }

    /** An HTTP reply read to the server's close, the body de-chunked. */
    public record Reply(int status, String head, byte[] body) {
        public String text() {
            return status + " " + new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * A 200 reply's offer (R3, R20): {@code "hash"} and {@code "port"}, the extras when present.
     *
     * @param size the file's size, if the server said it
     */
    public record Offer(String hash, int port, OptionalLong size, int threads) {
        /**
         * Reads an offer strictly (R3: numbers are JSON integers, not strings; R20: every extra
         * that is there agrees with the request and B = S div N + 1).
         */
        public static Offer parse(byte[] body, int threadsAsked) throws Failed {
            JsonNode root;
            try {
                root = STRICT_JSON.readTree(body);
            } catch (IOException e) {
                throw new Failed("the reply is not JSON: " + new String(body, StandardCharsets.UTF_8));
            }
            if (root == null || !root.isObject()) {
                throw new Failed("the reply is not a JSON object");
            }
            JsonNode hash = root.get("hash");
            if (hash == null || !hash.isTextual()
                    || !MD5_HEX.matcher(hash.textValue().toLowerCase(Locale.ROOT)).matches()) {
                throw new Failed("the reply's \"hash\" is not 32 hex digits: " + root);
            }
            long port = integer(root, "port");
            if (port < 1 || port > 65535) {
                throw new Failed("the reply's \"port\" is not a port number: " + port);
            }
            OptionalLong size = OptionalLong.empty();
            if (root.has("size")) {
                long s = integer(root, "size");
                if (s < 0) {
                    throw new Failed("the reply's \"size\" is negative: " + s);
                }
                size = OptionalLong.of(s);
            }
            if (root.has("threads") && integer(root, "threads") != threadsAsked) {
                throw new Failed("asked for " + threadsAsked + " threads, the reply says " + root.get("threads"));
            }
            if (root.has("block-size")) {
                long blockSize = integer(root, "block-size");
                if (size.isEmpty() || blockSize != size.getAsLong() / threadsAsked + 1) {
                    throw new Failed("the reply's \"block-size\" " + blockSize + " is not S div N + 1: " + root);
                }
            }
            return new Offer(hash.textValue().toLowerCase(Locale.ROOT), (int) port, size, threadsAsked);
        }

        private static long integer(JsonNode root, String field) throws Failed {
            JsonNode node = root.get(field);
            if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
                throw new Failed("the reply's \"" + field + "\" is not a JSON integer: " + root);
            }
            return node.longValue();
        }
    }

    /** A finished download: the file is at {@code output}, its MD5 equal to the offer's hash. */
    public record Download(Offer offer, Path output, long size, String md5) {
    }

    /**
     * POSTs {@code path} (sent as given, percent-encoded only where a request line cannot carry it),
     * fetches the N blocks at once and keeps the file only if its MD5 matches; on any failure
     * neither the output nor a temporary file is left.
     */
    public Download download(InetSocketAddress server, String path, int threads, Path output) throws IOException {
        String target;
        try {
            target = new URI(null, null, path, null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new Failed("cannot send the path " + path + ": " + e.getMessage());
        }
        Reply reply = request(server, "POST", target, "{\"threads\": " + threads + "}");
        if (reply.status() != 200) {
            throw new Failed("the server answered HTTP " + reply.status() + ": " + reply.text());
        }
        Offer offer = Offer.parse(reply.body(), threads);
        Path temporary = output.resolveSibling("." + output.getFileName() + "." + System.nanoTime() + ".part");
        try {
            long size = fetchBlocks(new InetSocketAddress(server.getAddress(), offer.port()), offer, temporary);
            String md5 = TestFiles.md5(temporary);
            if (!md5.equals(offer.hash())) {
                throw new Failed("MD5 mismatch: the server announced " + offer.hash() + ", the " + size
                        + " bytes received hash to " + md5);
            }
            Files.move(temporary, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Download(offer, output, size, md5);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Every block at once, one connection each, written in order into {@code file}; returns the size. */
    private long fetchBlocks(InetSocketAddress data, Offer offer, Path file) throws IOException {
        int n = offer.threads();
        ExecutorService pool = Executors.newFixedThreadPool(n, runnable -> new Thread(runnable, "raw-ranged-block"));
        try {
            List<Future<byte[]>> blocks = new ArrayList<>();
            for (int block = 0; block < n; block++) {
                int index = block;
                blocks.add(pool.submit(() -> fetchBlockWithRetries(data, index, expectedLength(offer, index))));
            }
            List<byte[]> received = new ArrayList<>();
            for (Future<byte[]> block : blocks) {
                received.add(block.get());
            }
            long size = received.stream().mapToLong(bytes -> bytes.length).sum();
            long blockSize = size / n + 1;
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int block = 0; block < n; block++) {
                    long length = Math.min(size, (block + 1) * blockSize) - Math.min(size, block * blockSize);
                    if (received.get(block).length != length) {
                        throw new Failed("block " + block + " brought " + received.get(block).length + " bytes, but "
                                + size + " bytes in " + n + " blocks of B = " + blockSize + " make it " + length);
                    }
                    out.write(ByteBuffer.wrap(received.get(block)));
                }
            }
            return size;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Block {@code index}'s length when the offer said the size; -1 when only the blocks can tell. */
    private static long expectedLength(Offer offer, int index) {
        if (offer.size().isEmpty()) {
            return -1;
        }
        long size = offer.size().getAsLong();
        long blockSize = size / offer.threads() + 1;
        return Math.min(size, (index + 1) * blockSize) - Math.min(size, index * blockSize);
    }

    private byte[] fetchBlockWithRetries(InetSocketAddress data, int block, long expected) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt <= RETRIES_PER_BLOCK; attempt++) {
            try {
                byte[] bytes = fetchBlock(data, block);
                if (expected < 0 || bytes.length == expected) {
                    return bytes;
                }
                last = new Failed("block " + block + " brought " + bytes.length + " bytes, not " + expected);
            } catch (IOException e) {
                last = e;
            }
            notes.accept("block " + block + " failed (" + last.getMessage() + "), attempt " + (attempt + 1));
        }
        throw last;
    }

    /** Connects to the data port, sends the one byte {@code block} and reads until the server closes. */
    public byte[] fetchBlock(InetSocketAddress data, int block) throws IOException {
        try (Socket socket = new Socket(data.getAddress(), data.getPort())) {
            socket.setSoTimeout(waitMillis);
            socket.getOutputStream().write(block);
            socket.getOutputStream().flush();
            notes.accept("connected to data port " + data.getPort() + ", sent the block id " + block);
            byte[] bytes = socket.getInputStream().readAllBytes();
            notes.accept("read " + bytes.length + " bytes of block " + block + ", then its end");
            return bytes;
        }
    }

    /**
     * A request written byte by byte, so that no client library tidies the path (HttpClient would
     * add a slash, normalize {@code ..} away, and cannot send {@code name} without a slash); the
     * reply is read to the server's close (we send Connection: close; the seed answers HTTP/1.0).
     */
    public Reply request(InetSocketAddress server, String method, String rawPath, String body) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout(waitMillis);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + rawPath + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + content.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(content);
            out.flush();
            notes.accept("sent " + method + " " + rawPath + " with a " + content.length + "-byte body from port "
                    + socket.getLocalPort());
            InputStream in = socket.getInputStream();
            byte[] response = in.readAllBytes();
            String all = new String(response, StandardCharsets.ISO_8859_1);
            int headEnd = all.indexOf("\r\n\r\n");
            String head = headEnd < 0 ? all : all.substring(0, headEnd + 2);
            byte[] responseBody = headEnd < 0 ? new byte[0]
                    : Arrays.copyOfRange(response, headEnd + 4, response.length);
            if (head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked")) {
                responseBody = dechunked(responseBody);
            }
            String statusLine = head.split("\r\n", 2)[0];
            notes.accept("read the reply to its end: " + statusLine + ", " + responseBody.length + "-byte body");
            String[] parts = statusLine.split(" ");
            if (parts.length < 2 || !parts[1].matches("[0-9]{3}")) {
                throw new Failed("not an HTTP status line: " + all);
            }
            return new Reply(Integer.parseInt(parts[1]), head, responseBody);
        }
    }

    private static byte[] dechunked(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String text = new String(chunked, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < text.length()) {
            int lineEnd = text.indexOf("\r\n", at);
            int length = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (length == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, length);
            at = lineEnd + 2 + length + 2;
        }
        return out.toByteArray();
    }
}
