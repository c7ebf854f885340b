package transferlab.ranged;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import com.fasterxml.jackson.databind.json.JsonMapper;
import transferlab.storage.BadNameException;
import transferlab.storage.PlainFileName;
import transferlab.storage.ServedDirectory;
import transferlab.server.ServerLog;

/**
 * The control side of protocol R: answers {@code POST /<path>} with {@code {"threads": N}} (R1-R3,
 * R7-R11). The checks run in this order, and the first that fails answers:
 * <ol>
 *   <li>405 if the method is not POST (with {@code Allow: POST});</li>
 *   <li>400 if the body is not {@code {"threads": N}} with 1 ≤ N ≤ 255;</li>
 *   <li>403 if the path does not name a file under the root ({@code ..}, hidden names, a link out);</li>
 *   <li>404 if nothing is there, or it is not a regular file (a directory is not something to download);</li>
 *   <li>403 if the file is not readable;</li>
 *   <li>503 if too many data listeners are open;</li>
 *   <li>200 with the offer, and only now is a data listener opened.</li>
 * </ol>
 * Every error answer is {@code {"error": "<why>"}}; none opens a data listener.
 */
final class ControlHandler implements HttpHandler {
    private static final JsonMapper JSON = new JsonMapper();

    /** What the server does once a request passed every check; see {@link ParallelServer#offer}. */
    @FunctionalInterface
    interface Offerer {
        DownloadOffer offer(Path file, String name, DownloadRequest request, String peer) throws IOException, BusyException;
    }

    /** Too many data listeners are open: answered 503. */
    static final class BusyException extends Exception {
        BusyException(String message) {
            super(message);
        }
    }

    private record Reply(int status, byte[] body, String detail) {
        static Reply error(int status, String why) {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("error", why);
            try {
                return new Reply(status, JSON.writeValueAsBytes(body), why);
            } catch (IOException e) {
                throw new IllegalStateException("a map of strings always serializes", e);
            }
        }
    }

    private final ServedDirectory directory;
    private final RangedLimits limits;
    private final Offerer offerer;
    private final ServerLog log;

    ControlHandler(ServedDirectory directory, RangedLimits limits, Offerer offerer, ServerLog log) {
        this.directory = directory;
        this.limits = limits;
        this.offerer = offerer;
        this.log = log;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String peer = ServerLog.peerText(exchange.getRemoteAddress());
            Reply reply;
            try {
                reply = answer(exchange, peer);
            } catch (IOException | RuntimeException e) {
                reply = Reply.error(500, "the server could not answer: " + e);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (reply.status() == 405) {
                exchange.getResponseHeaders().set("Allow", "POST");
            }
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(reply.status(), head ? -1 : reply.body().length);
            if (!head) {
                exchange.getResponseBody().write(reply.body());
            }
            if (reply.status() != 200) {
                log.info(peer + " " + exchange.getRequestMethod() + " " + printablePath(exchange) + " -> "
                        + reply.status() + " " + reply.detail());
            }
        }
    }

    private Reply answer(HttpExchange exchange, String peer) throws IOException {
        String method = exchange.getRequestMethod();
        if (!"POST".equals(method)) {
            return Reply.error(405, "method " + method + " is not allowed; send POST /<path> with {\"threads\": N}");
        }
        byte[] body = exchange.getRequestBody().readNBytes(limits.maxRequestBodyBytes() + 1);
        if (body.length > limits.maxRequestBodyBytes()) {
            return Reply.error(400, "the body is longer than " + limits.maxRequestBodyBytes() + " bytes");
        }
        DownloadRequest request;
        try {
            request = DownloadRequest.parse(body);
        } catch (BadRequestException e) {
            return Reply.error(400, e.getMessage());
        }
        String asked = exchange.getRequestURI().getPath(); // percent-decoded; the query, if any, is ignored
        String shown = "'" + PlainFileName.printable(asked) + "'";
        Path file;
        try {
            file = directory.resolveNested(asked); // the only way a client-given path becomes a file (R8)
        } catch (BadNameException e) {
            return Reply.error(403, e.getMessage());
        }
        if (!Files.exists(file)) {
            return Reply.error(404, "no file " + shown + " under the served directory");
        }
        if (!Files.isRegularFile(file)) {
            return Reply.error(404, shown + " is " + (Files.isDirectory(file) ? "a directory" : "not a regular file")
                    + "; only files can be downloaded");
        }
        if (!Files.isReadable(file)) {
            return Reply.error(403, shown + " is not readable by the server");
        }
        try {
            DownloadOffer offer = offerer.offer(file, asked, request, peer);
            return new Reply(200, offer.toJson(), "ok");
        } catch (NoSuchFileException e) { // removed meanwhile
            return Reply.error(404, "no file " + shown + " under the served directory");
        } catch (AccessDeniedException e) {
            return Reply.error(403, shown + " is not readable by the server");
        } catch (BusyException e) {
            return Reply.error(503, e.getMessage());
        }
    }

    private static String printablePath(HttpExchange exchange) {
        return PlainFileName.printable(String.valueOf(exchange.getRequestURI().getRawPath()));
    }
}
