package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The control body {"threads": N} (R1, R2, R7) and the 200 reply (R3), as JSON. */
class DownloadRequestTest {
    private static DownloadRequest parse(String body) throws BadRequestException {
        return DownloadRequest.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aGoodBody() throws BadRequestException {
        assertThat(parse("{\"threads\": 4}").blocks()).isEqualTo(4);
        assertThat(parse(" {\"threads\":255, \"extra\": true} ").blocks()).isEqualTo(255);
        assertThat(new String(new DownloadRequest(7).toJson(), StandardCharsets.UTF_8)).isEqualTo("{\"threads\": 7}");
    }

    @Test
    void badBodiesNameTheBadValue() {
        assertThatThrownBy(() -> parse("{\"threads\": 256}")).hasMessageContaining("256");
        assertThatThrownBy(() -> parse("{\"threads\": \"x\"}")).hasMessageContaining("\"x\"");
        assertThatThrownBy(() -> parse("{\"threads\": 1, \"threads\": 2}")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> parse("{}")).hasMessageContaining("no \"threads\"");
    }

    @Test
    void theReplyUsesTheSeedsFieldNamesFirstAndTheExtrasAfter() throws DownloadFailedException {
        DownloadOffer offer = DownloadOffer.of("0123456789abcdef0123456789abcdef", 4000, new BlockLayout(10, 4));
        String json = new String(offer.toJson(), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"hash\":\"0123456789abcdef0123456789abcdef\",\"port\":4000,\"size\":10,"
                + "\"block-size\":3,\"threads\":4}");
        assertThat(DownloadOffer.parse(offer.toJson(), 4)).isEqualTo(offer);
        assertThatThrownBy(() -> DownloadOffer.parse(offer.toJson(), 5)).hasMessageContaining("5");
        byte[] wrongBlockSize = json.replace("\"block-size\":3", "\"block-size\":4").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DownloadOffer.parse(wrongBlockSize, 4)).hasMessageContaining("block-size");
    }

    /** R3, R20: the seed's server sends only {"hash", "port"}; that is a whole offer without a size. */
    @Test
    void theSeedsTwoFieldReplyIsAnOfferWithoutASize() throws DownloadFailedException {
        DownloadOffer offer = DownloadOffer.parse(
                "{\"hash\": \"0123456789ABCDEF0123456789abcdef\", \"port\": 4000}".getBytes(StandardCharsets.UTF_8), 4);
        assertThat(offer.hash()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(offer.port()).isEqualTo(4000);
        assertThat(offer.size()).isEmpty();
    }

    /** R3: "md5" is not an alias of "hash"; the refusal says what it saw. */
    @Test
    void aReplyWithMd5InsteadOfHashIsRefusedByName() {
        assertThatThrownBy(() -> DownloadOffer.parse(("{\"md5\": \"0123456789abcdef0123456789abcdef\", \"port\": 4000}")
                .getBytes(StandardCharsets.UTF_8), 4))
                .isInstanceOf(DownloadFailedException.class)
                .hasMessageContaining("no \"hash\"").hasMessageContaining("\"md5\"");
    }

    /** Issue 11, item 12: strict types in the reply, as the server is strict with the request. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {"size|\"100000\"", "size|1e5", "size|2.5", "size|18446744073709551616",
            "size|-1", "port|\"4000\"", "port|0", "threads|\"4\"", "block-size|\"25001\"", "hash|12345"})
    void aReplyFieldOfTheWrongTypeIsRefused(String name, String value) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("hash", "\"0123456789abcdef0123456789abcdef\"");
        fields.put("port", "4000");
        fields.put("size", "100000");
        fields.put("threads", "4");
        fields.put(name, value);
        String json = fields.entrySet().stream().map(f -> "\"" + f.getKey() + "\": " + f.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
        assertThatThrownBy(() -> DownloadOffer.parse(json.getBytes(StandardCharsets.UTF_8), 4))
                .as(json).isInstanceOf(DownloadFailedException.class).hasMessageContaining(name);
    }

    /** Issue 11, item 1: S div N + 1 is exact; a size that would overflow it is refused, not wrapped. */
    @Test
    void aSizeWhoseBlockSizeWouldOverflowIsRefused() {
        String json = "{\"hash\": \"0123456789abcdef0123456789abcdef\", \"port\": 4000, \"size\": 9223372036854775807,"
                + " \"threads\": 1, \"block-size\": -9223372036854775808}";
        assertThatThrownBy(() -> DownloadOffer.parse(json.getBytes(StandardCharsets.UTF_8), 1))
                .isInstanceOf(DownloadFailedException.class).hasMessageContaining("overflows");
        assertThatThrownBy(() -> new BlockLayout(Long.MAX_VALUE - 100, 255))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new BlockLayout(Long.MAX_VALUE - 1000, 255).end(254)).isEqualTo(Long.MAX_VALUE - 1000);
    }
}
