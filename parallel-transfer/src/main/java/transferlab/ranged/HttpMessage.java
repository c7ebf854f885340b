package transferlab.ranged;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import transferlab.deadline.Deadline;

/**
 * One HTTP/1.x message of protocol R's control step (a request or a reply): start line, headers and a
 * small body, read from a socket with limits on every side.
 *
 * <p>Why not the JDK's HTTP server and client: the seed's client sends its FILE argument unchanged as
 * the request target ({@code POST three.bin HTTP/1.1}, no leading slash), which the JDK server answers
 * 404 before any handler sees it and the JDK client cannot send; and neither lets us bound one
 * exchange by bytes and time (a trickling peer held a control thread for the whole deadline, a
 * streamed reply grew a client to 5 GiB). The control messages are tiny, so a plain reader suffices.
 *
 * <p>Limits: the head (start line and headers) at most {@link #MAX_HEAD_BYTES}; the body at most what
 * the caller allows, whether announced by {@code Content-Length}, chunked, or running to the close;
 * every read runs against the caller's {@link Deadline} (the course's two clocks).
 */
final class HttpMessage {
    /** Start line and headers together. */
    static final int MAX_HEAD_BYTES = 8192;

    private final String startLine;
    private final Map<String, String> headers;
    private final byte[] body;

    private HttpMessage(String startLine, Map<String, String> headers, byte[] body) {
        this.startLine = startLine;
        this.headers = headers;
        this.body = body;
    }

    /** A message that breaks a limit or the syntax; its text says which. */
    static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message);
        }
    }

    String startLine() {
        return startLine;
    }

    /** A header's value (names are case-insensitive), or null. */
    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    byte[] body() {
        return body;
    }

    /**
     * Reads one message from {@code socket}.
     *
     * @param deadline        the clocks every read runs against; a passed one is a
     *                        {@link transferlab.deadline.DeadlinePassedException} (a SocketTimeoutException)
     * @param maxBodyBytes    a longer body is a {@link MalformedException}
     * @param bodyRunsToClose true for a reply (HTTP/1.0 style: no length means "until the close"),
     *                        false for a request (no length means no body)
     */
    static HttpMessage read(Socket socket, Deadline deadline, int maxBodyBytes, boolean bodyRunsToClose)
            throws IOException {
        Reader in = new Reader(socket, deadline);
        String startLine = in.line();
        if (startLine.isEmpty()) {
            startLine = in.line(); // one stray empty line before a message is allowed (RFC 9112, 2.2)
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = in.line(); !line.isEmpty(); line = in.line()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedException("a header line without a name: '" + printable(line) + "'");
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            String earlier = headers.put(name, value);
            if (earlier != null && name.equals("content-length") && !earlier.equals(value)) {
                throw new MalformedException("two different Content-Length headers");
            }
        }
        String encoding = headers.getOrDefault("transfer-encoding", "");
        String length = headers.get("content-length");
        byte[] body;
        if (encoding.equalsIgnoreCase("chunked")) {
            body = in.chunked(maxBodyBytes);
        } else if (!encoding.isEmpty()) {
            throw new MalformedException("unsupported Transfer-Encoding '" + printable(encoding) + "'");
        } else if (length != null) {
            if (!length.matches("[0-9]{1,18}")) {
                throw new MalformedException("Content-Length is not a number: '" + printable(length) + "'");
            }
            long announced = Long.parseLong(length);
            if (announced > maxBodyBytes) {
                throw new MalformedException("the body (" + announced + " bytes) is longer than " + maxBodyBytes
                        + " bytes");
            }
            body = in.exactly((int) announced);
        } else {
            body = bodyRunsToClose ? in.untilClose(maxBodyBytes) : new byte[0];
        }
        return new HttpMessage(startLine, headers, body);
    }

    /** Writes a request with a body; the target goes out exactly as given (no slash added, nothing encoded). */
    static void writeRequest(OutputStream out, String method, String target, String host, String contentType,
                             byte[] body) throws IOException {
        String head = method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.flush();
    }

    /** Writes a reply and says the connection closes after it; {@code extraHeaders} are "Name: value" lines. */
    static void writeReply(OutputStream out, int status, String contentType, byte[] body, boolean headOnly,
                           String... extraHeaders) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\nContent-Type: ").append(contentType)
                .append("\r\nCache-Control: no-store\r\nContent-Length: ").append(body.length)
                .append("\r\nConnection: close\r\n");
        for (String header : extraHeaders) {
            head.append(header).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        if (!headOnly) {
            out.write(body);
        }
        out.flush();
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    /** Control characters shown as \\xNN, so that a peer's text cannot steer a terminal or a log. */
    static String printable(String text) {
        StringBuilder shown = new StringBuilder();
        text.codePoints().limit(200).forEach(c -> {
            if (Character.isISOControl(c)) {
                shown.append(String.format("\\x%02x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return text.length() > 200 ? shown + "..." : shown.toString();
    }

    /** Buffered reads from a socket, each bounded by the message's {@link Deadline}. */
    private static final class Reader {
        private final Socket socket;
        private final InputStream in;
        private final Deadline deadline;
        private final byte[] buffer = new byte[4096];
        private int position;
        private int limit;
        private int headBytes;

        Reader(Socket socket, Deadline deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        /** Fills the buffer; false at the peer's close. */
        private boolean fill() throws IOException {
            int n = deadline.read(socket, in, buffer, 0, buffer.length);
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        private int next() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xff;
        }

        /** A head line without its CR LF (a bare LF ends a line too); counts against the head limit. */
        String line() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                int b = next();
                if (b < 0) {
                    throw new EOFException("the peer closed in the middle of the message's head");
                }
                if (++headBytes > MAX_HEAD_BYTES) {
                    throw new MalformedException("the head is longer than " + MAX_HEAD_BYTES + " bytes");
                }
                if (b == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                line.append((char) b); // ISO-8859-1, as HTTP heads are; a UTF-8 target is decoded later
            }
        }

        byte[] exactly(int count) throws IOException {
            byte[] bytes = new byte[count];
            for (int i = 0; i < count; i++) {
                int b = next();
                if (b < 0) {
                    throw new EOFException("the peer closed after " + i + " of " + count + " body bytes");
                }
                bytes[i] = (byte) b;
            }
            return bytes;
        }

        byte[] untilClose(int max) throws IOException {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            for (int b = next(); b >= 0; b = next()) {
                if (bytes.size() == max) {
                    throw new MalformedException("the body is longer than " + max + " bytes");
                }
                bytes.write(b);
            }
            return bytes.toByteArray();
        }

        byte[] chunked(int max) throws IOException {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            while (true) {
                String size = line().split(";", 2)[0].strip();
                if (!size.matches("[0-9a-fA-F]{1,8}")) {
                    throw new MalformedException("a chunk size is not hex: '" + printable(size) + "'");
                }
                long length = Long.parseLong(size, 16);
                if (length == 0) {
                    while (!line().isEmpty()) {
                        // trailer fields: ignored
                    }
                    return bytes.toByteArray();
                }
                if (bytes.size() + length > max) {
                    throw new MalformedException("the body is longer than " + max + " bytes");
                }
                bytes.write(exactly((int) length));
                line(); // the CR LF after the chunk
            }
        }
    }
}
