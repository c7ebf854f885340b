package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The control body {"threads": N} (R1, R2, R7) and the 200 reply (R3), as JSON. */
class DownloadRequestTest {
    private static DownloadRequest parse(String body) throws BadRequestException {
        return DownloadRequest.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aGoodBody() throws BadRequestException {
        assertThat(parse("{\"threads\": 4}").threads()).isEqualTo(4);
        assertThat(parse(" {\"threads\":255, \"extra\": true} ").threads()).isEqualTo(255);
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
    void theReplyUsesTheSeedsFieldNames() throws DownloadFailedException {
        DownloadOffer offer = new DownloadOffer("0123456789abcdef0123456789abcdef", 10, 3, 4, 4000);
        String json = new String(offer.toJson(), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"md5\":\"0123456789abcdef0123456789abcdef\",\"size\":10,\"block-size\":3,"
                + "\"threads\":4,\"port\":4000}");
        assertThat(DownloadOffer.parse(offer.toJson(), 4)).isEqualTo(offer);
        assertThatThrownBy(() -> DownloadOffer.parse(offer.toJson(), 5)).hasMessageContaining("5");
        byte[] wrongBlockSize = json.replace("\"block-size\":3", "\"block-size\":4").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DownloadOffer.parse(wrongBlockSize, 4)).hasMessageContaining("block-size");
    }
}
