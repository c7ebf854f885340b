package transferlab.ranged;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The server's 200 reply to a control request (R3, R20): {@code {"hash": "<md5 hex>", "port": Q}}, the
 * two fields seed 000's programs exchange, optionally followed by the extras {@code "size": S},
 * {@code "block-size": B} and {@code "threads": N}. Our server sends all five; a seed-style server
 * sends only the first two, and the client then learns S from the blocks themselves.
 *
 * <p>{@link #parse} is strict about types (a number in quotes is refused, R3) and checks every extra
 * that is there against the request: a wrong block size would silently scramble the file.
 *
 * @param hash      the MD5 of the whole file, 32 hex digits
 * @param port      the data listener's port Q, on the same host as the control port
 * @param size      the file's size S in bytes, if the server said
 * @param blocks    N, the number of blocks asked for; the extras "threads" (N) and "block-size" are
 *                  checked, not kept
 */
public record DownloadOffer(String hash, int port, OptionalLong size, int blocks) {
    /** The field names of the reply. */
    public static final String HASH = "hash";
    public static final String PORT = "port";
    public static final String SIZE = "size";
    public static final String BLOCK_SIZE = "block-size";
    public static final String THREADS = "threads";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-f]{32}");

    /** Our server's offer: every field, extras included. */
    public static DownloadOffer of(String hash, int port, BlockLayout layout) {
        return new DownloadOffer(hash, port, OptionalLong.of(layout.size()), layout.blocks());
    }

    /** {"hash", "port"} first, as the seed's server sends them; then the extras this offer knows. */
    public byte[] toJson() {
        ObjectNode json = JSON.createObjectNode().put(HASH, hash).put(PORT, port);
        if (size.isPresent()) {
            json.put(SIZE, size.getAsLong()).put(BLOCK_SIZE, layout().blockSize()).put(THREADS, blocks);
        }
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an object of strings and numbers always serializes", e);
        }
    }

    /** The block layout, when the server said the size. */
    public BlockLayout layout() {
        return new BlockLayout(size.orElseThrow(() -> new IllegalStateException("the server did not say the size")),
                blocks);
    }

    /**
     * Reads a 200 reply and checks it against the request. {@code "md5"} is not read in place of
     * {@code "hash"} (see ranged.md, R3: one name per value); a reply that has only it is refused
     * with a message saying so.
     */
    public static DownloadOffer parse(byte[] body, int blocksAsked) throws DownloadFailedException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new DownloadFailedException("the server's reply is not JSON ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            throw new DownloadFailedException("the server's reply is not a JSON object");
        }
        JsonNode hash = root.get(HASH);
        if (hash == null) {
            throw new DownloadFailedException("the server's reply has no \"" + HASH + "\""
                    + (root.has("md5") ? " (it has \"md5\", the name of an earlier version of this protocol)" : ""));
        }
        if (!hash.isTextual() || !MD5_HEX.matcher(hash.textValue().toLowerCase(Locale.ROOT)).matches()) {
            throw new DownloadFailedException("the server's \"hash\" is not 32 hex digits: " + abbreviated(hash));
        }
        long port = integer(root, PORT);
        if (port < 1 || port > 65535) {
            throw new DownloadFailedException("the server's \"port\" is not a port number: " + port);
        }
        OptionalLong size = OptionalLong.empty();
        if (root.has(SIZE)) {
            long s = integer(root, SIZE);
            if (s < 0) {
                throw new DownloadFailedException("the server's \"size\" is negative: " + s);
            }
            try {
                new BlockLayout(s, blocksAsked); // exact arithmetic: S div N + 1 must not overflow
            } catch (IllegalArgumentException e) {
                throw new DownloadFailedException("the server's \"size\" is impossible: " + e.getMessage());
            }
            size = OptionalLong.of(s);
        }
        if (root.has(THREADS) && integer(root, THREADS) != blocksAsked) {
            throw new DownloadFailedException("asked for " + blocksAsked + " blocks (\"threads\"), the server answered "
                    + root.get(THREADS));
        }
        if (root.has(BLOCK_SIZE)) {
            long blockSize = integer(root, BLOCK_SIZE);
            if (size.isEmpty()) {
                throw new DownloadFailedException("the server's reply has \"block-size\" but no \"size\"");
            }
            long expected = new BlockLayout(size.getAsLong(), blocksAsked).blockSize();
            if (blockSize != expected) {
                throw new DownloadFailedException("the server's \"block-size\" is " + blockSize
                        + ", but S div N + 1 = " + expected);
            }
        }
        return new DownloadOffer(hash.textValue().toLowerCase(Locale.ROOT), (int) port, size, blocksAsked);
    }

    /** A JSON integer that fits a long: not "100000", not 1e5, not 2.5, not 2^64. */
    private static long integer(JsonNode root, String field) throws DownloadFailedException {
        JsonNode node = root.get(field);
        if (node == null) {
            throw new DownloadFailedException("the server's reply has no \"" + field + "\"");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new DownloadFailedException("the server's \"" + field + "\" must be a JSON integer, was "
                    + abbreviated(node));
        }
        return node.longValue();
    }

    private static String abbreviated(JsonNode node) {
        String text = node.toString();
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
