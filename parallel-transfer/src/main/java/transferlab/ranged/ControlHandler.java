package transferlab.ranged;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
 * The control side of protocol R: answers {@code POST <path>} with {@code {"threads": N}} (R1-R3,
 * R7-R11, R21). The checks run in this order, and the first that fails answers:
 * <ol>
 *   <li>405 if the method is not POST (with {@code Allow: POST});</li>
 *   <li>400 if the body is not {@code {"threads": N}} with 1 ≤ N ≤ 255;</li>
 *   <li>403 if the path does not name a file under the root ({@code ..}, hidden names, a link out,
 *       a link that loops);</li>
 *   <li>404 if nothing is there (a dangling link too), or it is not a regular file;</li>
 *   <li>403 if the file is not readable;</li>
 *   <li>503 if too many data listeners are open, in all or for this peer's address;</li>
 *   <li>200 with the offer, and only now is a data listener opened.</li>
 * </ol>
 * Every error answer is {@code {"error": "<why>"}}, naming what the client sent, never a path of the
 * server's own or an exception's text (the log has those); none opens a data listener.
 *
 * <p>The path may take the three forms seed 000's client sends (R21): {@code /name} and {@code name}
 * (relative to the root), and an absolute path that lies under the root, e.g. {@code /srv/files/name}
 * for the root {@code /srv/files}. An absolute path that begins with the root's real path is read as
 * that form; any other path is relative to the root.
 */
final class ControlHandler {
    private static final JsonMapper JSON = new JsonMapper();

    /** What the server does once a request passed every check; see {@link RangedServer#offer}. */
    @FunctionalInterface
    interface Offerer {
        DownloadOffer offer(Path file, String name, DownloadRequest request, InetSocketAddress peer)
                throws IOException, BusyException;
    }

    /** Too many data listeners are open: answered 503. */
    static final class BusyException extends Exception {
        BusyException(String message) {
            super(message);
        }
    }

    /** A status and its JSON body; {@code detail} is what the log says. */
    record Reply(int status, byte[] body, String detail) {
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

    /** Answers one request that was read whole; never throws, never names a server path. */
    Reply answer(String method, String target, byte[] body, InetSocketAddress peer) {
        Reply reply;
        try {
            reply = check(method, target, body, peer);
        } catch (IOException | RuntimeException e) {
            log.event(peer, method + " " + HttpMessage.printable(target) + ": " + e); // the details stay here
            reply = Reply.error(500, "the server could not read the file; see its log");
        }
        if (reply.status() != 200) {
            log.event(peer, method + " " + HttpMessage.printable(target) + " -> " + reply.status() + " "
                    + reply.detail());
        }
        return reply;
    }

    private Reply check(String method, String target, byte[] body, InetSocketAddress peer) throws IOException {
        if (!"POST".equals(method)) {
            return Reply.error(405, "method " + HttpMessage.printable(method)
                    + " is not allowed; send POST /<path> with {\"threads\": N}");
        }
        if (body.length > limits.maxRequestBodyBytes()) {
            return Reply.error(400, "the body is longer than " + limits.maxRequestBodyBytes() + " bytes");
        }
        DownloadRequest request;
        try {
            request = DownloadRequest.parse(body);
        } catch (BadRequestException e) {
            return Reply.error(400, e.getMessage());
        }
        String asked;
        try {
            asked = new URI(target).getPath(); // percent-decoded; the query, if any, is ignored
        } catch (URISyntaxException e) {
            return Reply.error(400, "the request target '" + HttpMessage.printable(target) + "' is not a URL path");
        }
        if (asked == null) {
            return Reply.error(400, "the request target '" + HttpMessage.printable(target) + "' has no path");
        }
        String shown = "'" + PlainFileName.printable(asked) + "'";
        Path file;
        try {
            file = resolve(asked); // the only way a client-given path becomes a file (R8)
        } catch (BadNameException e) {
            return Reply.error(403, e.getMessage());
        } catch (NoSuchFileException e) { // a dangling link
            return Reply.error(404, "no file " + shown + " under the served directory");
        } catch (FileSystemException e) { // a link that loops, a name too long
            return Reply.error(403, shown + " cannot be resolved under the served directory");
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

    /** The three forms of R21: an absolute path under the root's real path, or a path relative to the root. */
    private Path resolve(String asked) throws BadNameException, IOException {
        Path root = directory.root();
        if (asked.startsWith(root + "/")) {
            Path absolute;
            try {
                absolute = Path.of(asked);
            } catch (InvalidPathException e) {
                throw new BadNameException("'" + PlainFileName.printable(asked) + "' is not a path");
            }
            if (absolute.startsWith(root)) {
                return directory.resolveNested(asked.substring(root.toString().length()));
            }
        }
        return directory.resolveNested(asked);
    }
}
