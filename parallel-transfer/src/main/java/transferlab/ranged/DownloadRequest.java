package transferlab.ranged;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import transferlab.storage.PlainFileName;

/**
 * The body of a control request, {@code {"threads": N}} (R1, R2): how many blocks the server is to cut
 * the file into (the seed's client opens a connection per block, hence the field's name).
 *
 * <p>{@link #parse} is strict, because a lenient parser would turn a client's mistake into a
 * surprising download: N must be a JSON integer from 1 to 255 (not {@code "4"}, not {@code 4.0}),
 * the body one JSON object, nothing after it, no field twice. Other fields are ignored.
 */
public record DownloadRequest(int blocks) {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public DownloadRequest {
        if (blocks < RangedProtocol.MIN_BLOCKS || blocks > RangedProtocol.MAX_BLOCKS) {
            throw new IllegalArgumentException("blocks (\"threads\") must be 1..255, was " + blocks);
        }
    }

    /** Reads a request body; the exception's message is what the server sends back with 400. */
    public static DownloadRequest parse(byte[] body) throws BadRequestException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson quotes the bad token as it came, control characters and all (found by DownloadRequestFuzzTest).
            throw new BadRequestException("the body is not valid JSON ("
                    + PlainFileName.printable(e.getOriginalMessage()) + "); send {\"threads\": N}");
        } catch (IOException e) {
            throw new BadRequestException("the body could not be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new BadRequestException("the body is empty; send {\"threads\": N}");
        }
        if (!root.isObject()) {
            throw new BadRequestException("the body must be a JSON object like {\"threads\": 4}, not "
                    + abbreviated(root));
        }
        JsonNode threads = root.get(RangedProtocol.THREADS_FIELD);
        if (threads == null) {
            throw new BadRequestException("the body " + abbreviated(root) + " has no \"threads\" field");
        }
        if (!threads.isIntegralNumber() || !threads.canConvertToInt()
                || threads.intValue() < RangedProtocol.MIN_BLOCKS || threads.intValue() > RangedProtocol.MAX_BLOCKS) {
            throw new BadRequestException("\"threads\" must be an integer from " + RangedProtocol.MIN_BLOCKS
                    + " to " + RangedProtocol.MAX_BLOCKS + ", was " + abbreviated(threads));
        }
        return new DownloadRequest(threads.intValue());
    }

    public byte[] toJson() {
        return ("{\"" + RangedProtocol.THREADS_FIELD + "\": " + blocks + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviated(JsonNode node) {
        // JSON escapes only U+0000..U+001F; DEL and C1 would stay raw (found by DownloadRequestFuzzTest).
        String text = PlainFileName.printable(node.toString());
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
