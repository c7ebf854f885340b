package transferlab.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The grader's protocol R server (resources/protocols/ranged.md, seed 000): {@code POST <path>} with
 * {@code {"threads": N}} is answered with {@code {"hash", "port", "size", "block-size", "threads"}};
 * a data listener on that port sends block i, bytes [i·B, min(S, (i+1)·B)) with B = S div N + 1, to
 * a connection that sends the byte i, and closes once every block went out whole (or after the idle
 * timeout). 400, 403, 404 and 405 as the spec says. A client check's reference ({@link
 * TrustedServer} says why not stage 3's).
 */
public final class TrustedRangedServer extends TrustedServer {
    static final int MAX_HEAD_BYTES = 8192;
    static final int MAX_THREADS = 255;
    private static final JsonMapper JSON = new JsonMapper();

    private final Path root;
    private final Map<Path, Hashed> md5s = new ConcurrentHashMap<>();
    private volatile DataPortAdvertiser advertiser = port -> port;

    /** The port an offer names for a data listener on {@code listenerPort} (a test may put a proxy there). */
    public interface DataPortAdvertiser {
        int advertise(int listenerPort) throws IOException;
    }

    private record Hashed(long size, FileTime modified, String md5) {
    }

    private TrustedRangedServer(Path root) throws IOException {
        super(root, "trusted-ranged");
        this.root = root.toRealPath();
    }

    /** Serves the files under {@code root} on a free loopback port. */
    public static TrustedRangedServer serving(Path root) throws IOException {
        return new TrustedRangedServer(root);
    }

    /** Offers name the port {@code advertiser} gives for each data listener. */
    public TrustedRangedServer advertisingDataPortsWith(DataPortAdvertiser advertiser) {
        this.advertiser = advertiser;
        return this;
    }

    @Override
    protected void serve(Socket control) throws IOException {
        InputStream in = control.getInputStream();
        OutputStream out = control.getOutputStream();
        String head = readHead(in);
        if (head == null) {
            answer(out, 400, "Bad Request", "no complete request head");
            return;
        }
        String[] requestLine = head.split("\r\n", 2)[0].split(" ");
        if (requestLine.length != 3) {
            answer(out, 400, "Bad Request", "not a request line");
            return;
        }
        if (!requestLine[0].equals("POST")) {
            answer(out, 405, "Method Not Allowed", "only POST");
            return;
        }
        byte[] body = in.readNBytes(contentLength(head));
        int threads = threads(body);
        if (threads < 1) {
            answer(out, 400, "Bad Request", "the body must be {\"threads\": N}, 1 <= N <= 255");
            return;
        }
        Path file;
        try {
            file = resolve(URLDecoder.decode(requestLine[1].replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            answer(out, 400, "Bad Request", "a bad percent-encoding");
            return;
        }
        if (file == null) {
            answer(out, 403, "Forbidden", "outside the served directory");
        } else if (!Files.isRegularFile(file)) {
            answer(out, 404, "Not Found", "no such file");
        } else {
            long size = Files.size(file);
            ServerSocket data = new ServerSocket(0, MAX_THREADS, InetAddress.getLoopbackAddress());
            String offer = JSON.createObjectNode().put("hash", md5(file, size))
                    .put("port", advertiser.advertise(data.getLocalPort()))
                    .put("size", size).put("block-size", size / threads + 1).put("threads", threads).toString();
            Thread sending = new Thread(() -> sendBlocks(data, file, size, threads), "trusted-ranged-data");
            sending.setDaemon(true);
            sending.start();
            answer(out, 200, "OK", offer);
        }
    }

    /** R16: the MD5 is computed once per path, size and modification time. */
    private String md5(Path file, long size) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        Hashed known = md5s.get(file);
        if (known == null || known.size() != size || !known.modified().equals(modified)) {
            known = new Hashed(size, modified, TestFiles.md5(file));
            md5s.put(file, known);
        }
        return known.md5();
    }

    /**
     * R21: {@code /name}, {@code name}, or an absolute path under the root; R8: nothing outside it,
     * symbolic links followed and checked. Null for a path outside the root.
     */
    private Path resolve(String path) throws IOException {
        Path asked = path.startsWith(root.toString() + "/") ? Path.of(path)
                : root.resolve(path.replaceFirst("^/+", ""));
        Path normal = asked.normalize();
        if (!normal.startsWith(root) || path.contains("..")) {
            return null;
        }
        if (Files.exists(normal) && !normal.toRealPath().startsWith(root)) {
            return null;
        }
        return normal;
    }

    /** Accepts block requests until every block went out whole once, or nobody came for the idle timeout. */
    private static void sendBlocks(ServerSocket data, Path file, long size, int threads) {
        Set<Integer> sent = ConcurrentHashMap.newKeySet();
        try (data) {
            data.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
            while (sent.size() < threads) {
                Socket connection = data.accept();
                Thread block = new Thread(() -> sendBlock(connection, file, size, threads, sent, data),
                        "trusted-ranged-block");
                block.setDaemon(true);
                block.start();
            }
        } catch (IOException e) {
            // closed once every block was sent, or idle: the listener is gone either way
        }
    }

    private static void sendBlock(Socket connection, Path file, long size, int threads, Set<Integer> sent,
                                  ServerSocket data) {
        try (connection; FileChannel channel = FileChannel.open(file)) {
            connection.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
            int block = connection.getInputStream().read();
            if (block < 0 || block >= threads) {
                return; // R12: no data for a block that does not exist
            }
            long blockSize = size / threads + 1;
            long start = Math.min(size, block * blockSize);
            long end = Math.min(size, (block + 1) * blockSize);
            OutputStream out = connection.getOutputStream();
            channel.position(start);
            InputStream bytes = Channels.newInputStream(channel);
            byte[] buffer = new byte[64 * 1024];
            for (long left = end - start; left > 0; ) {
                int n = bytes.read(buffer, 0, (int) Math.min(buffer.length, left));
                out.write(buffer, 0, n);
                left -= n;
            }
            out.flush();
            sent.add(block);
            if (sent.size() == threads) {
                data.close(); // R13: every block went out whole
            }
        } catch (IOException e) {
            // that block is asked for again, or the listener times out
        }
    }

    /** N from a body that is exactly {"threads": N} with N an integer 1..255; 0 for anything else. */
    private static int threads(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode threads = root == null ? null : root.get("threads");
            if (root == null || !root.isObject() || threads == null || !threads.isIntegralNumber()
                    || threads.asLong() < 1 || threads.asLong() > MAX_THREADS
                    || JSON.readerFor(JsonNode.class).readValues(body).readAll().size() != 1) {
                return 0;
            }
            return threads.asInt();
        } catch (IOException e) {
            return 0;
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return 0;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < MAX_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        return null;
    }

    private static void answer(OutputStream out, int status, String reason, String body) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String type = status == 200 ? "application/json" : "text/plain; charset=utf-8";
        out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: " + type + "\r\nContent-Length: "
                + content.length + (status == 405 ? "\r\nAllow: POST" : "") + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(content);
        out.flush();
    }
}
