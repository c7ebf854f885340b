package transferlab.ranged;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The server's 200 reply to a control request (R3):
 * {@code {"md5": "<hex>", "size": S, "block-size": B, "threads": N, "port": Q}}.
 *
 * @param md5       the MD5 of the whole file, 32 lower-case hex digits
 * @param size      the file's size S in bytes
 * @param blockSize B = S div N + 1
 * @param threads   N, as asked for
 * @param port      the data listener's port Q, on the same host as the control port
 */
@JsonPropertyOrder({"md5", "size", "block-size", "threads", "port"})
public record DownloadOffer(@JsonProperty("md5") String md5,
                            @JsonProperty("size") long size,
                            @JsonProperty("block-size") long blockSize,
                            @JsonProperty("threads") int threads,
                            @JsonProperty("port") int port) {
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // a server may add fields
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();
    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-f]{32}");

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("a record of strings and numbers always serializes", e);
        }
    }

    /**
     * Reads a 200 reply and checks it against the request: the client trusts nothing it cannot use
     * safely (a wrong block size would silently scramble the file).
     */
    public static DownloadOffer parse(byte[] body, int threadsAsked) throws DownloadFailedException {
        DownloadOffer offer;
        try {
            offer = JSON.readValue(body, DownloadOffer.class);
        } catch (IOException e) {
            throw new DownloadFailedException("the server's reply is not the expected JSON ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (offer.md5 == null || !MD5_HEX.matcher(offer.md5.toLowerCase(java.util.Locale.ROOT)).matches()) {
            throw new DownloadFailedException("the server's \"md5\" is not 32 hex digits: " + offer.md5);
        }
        if (offer.size < 0) {
            throw new DownloadFailedException("the server's \"size\" is negative: " + offer.size);
        }
        if (offer.threads != threadsAsked) {
            throw new DownloadFailedException("asked for " + threadsAsked + " threads, the server answered " + offer.threads);
        }
        long expected = new BlockLayout(offer.size, threadsAsked).blockSize();
        if (offer.blockSize != expected) {
            throw new DownloadFailedException("the server's \"block-size\" is " + offer.blockSize
                    + ", but S div N + 1 = " + expected);
        }
        if (offer.port < 1 || offer.port > 65535) {
            throw new DownloadFailedException("the server's \"port\" is not a port number: " + offer.port);
        }
        return offer;
    }

    public BlockLayout layout() {
        return new BlockLayout(size, threads);
    }
}
