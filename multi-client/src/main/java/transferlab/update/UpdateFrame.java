package transferlab.update;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import transferlab.storage.PlainFileName;

/**
 * The one place where protocol D frames are written and read.
 *
 * <pre>
 *   +-------------------------------+---------------------+-------------------------+
 *   | length N: 2 bytes, big-endian | N bytes UTF-8 JSON  | file bytes, if announced |
 *   +-------------------------------+---------------------+-------------------------+
 * </pre>
 * N is 1..65535 on the wire; a reader also applies its own, smaller limit (a server reads requests
 * of at most {@link UpdateLimits#maxRequestBytes()}). The file bytes are not part of the frame: the
 * reader of an offer reads {@code file-size} bytes after it.
 */
public final class UpdateFrame {
    /** The largest length the 2-byte field can carry. */
    public static final int MAX_WIRE_LENGTH = 0xFFFF;
    /** Bytes of the length field. */
    public static final int LENGTH_BYTES = 2;

    /** Strict JSON: one value, nothing after it, no duplicate keys. Thread-safe once configured. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private UpdateFrame() {
    }

    /** The whole frame for {@code header}: length field and JSON, ready to write. */
    public static ByteBuffer encode(ObjectNode header) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode always serializes", e);
        }
        if (json.length > MAX_WIRE_LENGTH) {
            throw new IllegalArgumentException("a JSON header of " + json.length
                    + " bytes does not fit a frame (at most "
                    + MAX_WIRE_LENGTH + ")");
        }
        ByteBuffer frame = ByteBuffer.allocate(LENGTH_BYTES + json.length);
        frame.putShort((short) json.length).put(json).flip();
        return frame;
    }

    /** A new, empty JSON object to fill in and {@link #encode}. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /**
     * Reads one frame's JSON bytes from a blocking stream (the client side).
     *
     * @return the JSON bytes, or {@code null} if the stream ended cleanly before the frame began
     * @throws EOFException if the stream ended inside the frame
     */
    public static byte[] read(InputStream in, int maxLength) throws IOException, BadFrameException {
        int high = in.read();
        if (high < 0) {
            return null;
        }
        int low = in.read();
        if (low < 0) {
            throw new EOFException("the connection closed after 1 byte of a frame's length");
        }
        int length = checkLength((high << 8) | low, maxLength);
        byte[] json = in.readNBytes(length);
        if (json.length < length) {
            throw new EOFException("the connection closed after " + json.length + " of " + length + " JSON bytes");
        }
        return json;
    }

    /** Parses JSON bytes that must hold one JSON object. */
    public static ObjectNode parse(byte[] json) throws BadFrameException {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException parse ? parse.getOriginalMessage() : e.getMessage();
            // Jackson quotes the bad token as it came, control characters and all (found by UpdateFrameFuzzTest).
            throw new BadFrameException("the " + json.length + " header bytes are not JSON ("
                    + PlainFileName.printable(why) + ")");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new BadFrameException("the header is JSON but not an object: " + shortText(node));
        }
        return object;
    }

    /** Reads a required text field. */
    static String text(ObjectNode header, String field) throws BadFrameException {
        JsonNode value = header.get(field);
        if (value == null) {
            throw new BadFrameException("the header has no \"" + field + "\": " + shortText(header));
        }
        if (!value.isTextual()) {
            throw new BadFrameException("\"" + field + "\" must be a string, was " + shortText(value));
        }
        return value.textValue();
    }

    /** At most 200 characters of a JSON value, for a log line or an error message. */
    static String shortText(JsonNode node) {
        // JSON escapes only U+0000..U+001F; DEL and C1 would stay raw (found by UpdateFrameFuzzTest).
        String text = PlainFileName.printable(String.valueOf(node));
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    private static int checkLength(int length, int maxLength) throws BadFrameException {
        if (length == 0) {
            throw new BadFrameException("a frame of length 0 (a JSON header has at least 2 bytes)");
        }
        if (length > maxLength) {
            throw new BadFrameException("a frame of length " + length + "; the limit is " + maxLength);
        }
        return length;
    }

    /**
     * Collects one frame from a non-blocking channel, a few bytes at a time (the server side). Holds
     * at most the length field and the announced JSON bytes, which the limit bounds.
     */
    public static final class Collector {
        private final int maxLength;
        private final ByteBuffer lengthField = ByteBuffer.allocate(LENGTH_BYTES);
        private ByteBuffer json; // allocated once the length is known and checked

        public Collector(int maxLength) {
            this.maxLength = maxLength;
        }

        /**
         * Reads what the channel has.
         *
         * @return the complete frame's JSON bytes (and starts over for the next frame), or {@code null}
         *         while more bytes are needed
         * @throws EOFException if the peer closed; {@link #isEmpty()} tells whether between frames
         */
        public byte[] readFrom(ReadableByteChannel channel) throws IOException, BadFrameException {
            if (json == null) {
                if (channel.read(lengthField) < 0) {
                    throw new EOFException("the connection closed after " + lengthField.position()
                            + " bytes of a frame's length");
                }
                if (lengthField.hasRemaining()) {
                    return null;
                }
                json = ByteBuffer.allocate(checkLength(lengthField.getShort(0) & 0xFFFF, maxLength));
            }
            if (channel.read(json) < 0) {
                throw new EOFException("the connection closed after " + json.position() + " of "
                        + json.capacity() + " JSON bytes");
            }
            if (json.hasRemaining()) {
                return null;
            }
            byte[] complete = json.array();
            json = null;
            lengthField.clear();
            return complete;
        }

        /** True when no byte of a next frame has arrived yet. */
        public boolean isEmpty() {
            return json == null && lengthField.position() == 0;
        }
    }
}
