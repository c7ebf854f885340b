package transferlab.upload;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UploadHeaderTest {
    private static final UploadLimits LIMITS = UploadLimits.defaults().withMaxContentBytes(1000);

    @Test
    void encodesSizeAsEightBytesBigEndianFollowedByTheUtf8Name() {
        byte[] encoded = new UploadHeader(0x0102030405060708L, "é.txt").encode();
        assertThat(encoded).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 0xc3, 0xa9, '.', 't', 'x', 't');
    }

    @Test
    void decodeReadsBackWhatEncodeWrote() throws UploadRefusal {
        for (UploadHeader header : new UploadHeader[] {
                new UploadHeader(0, "empty"), new UploadHeader(1000, "limit"), new UploadHeader(7, "€".repeat(85))}) {
            byte[] encoded = header.encode();
            assertThat(UploadHeader.decode(encoded, encoded.length, LIMITS)).isEqualTo(header);
        }
    }

    @Test
    void decodeUsesOnlyTheFirstLengthBytesOfTheBuffer() throws UploadRefusal {
        byte[] buffer = Arrays.copyOf(new UploadHeader(3, "abc").encode(), UploadHeader.MAX_BYTES + 1);
        assertThat(UploadHeader.decode(buffer, 11, LIMITS)).isEqualTo(new UploadHeader(3, "abc"));
    }

    @Test
    void eightBytesOrFewerIsABadHeader() {
        assertThatThrownBy(() -> UploadHeader.decode(new byte[8], 8, LIMITS))
                .isInstanceOfSatisfying(UploadRefusal.class, r -> assertThat(r.code()).isEqualTo("bad-header"));
    }

    @Test
    void sizeWithTheTopBitSetIsBadSizeAndAboveTheLimitIsTooLarge() {
        byte[] negative = ByteBuffer.allocate(9).putLong(Long.MIN_VALUE | 5).put((byte) 'a').array();
        assertThatThrownBy(() -> UploadHeader.decode(negative, 9, LIMITS))
                .isInstanceOfSatisfying(UploadRefusal.class, r -> assertThat(r.code()).isEqualTo("bad-size"))
                .hasMessageContaining("9223372036854775813");
        byte[] tooLarge = new UploadHeader(1001, "a").encode();
        assertThatThrownBy(() -> UploadHeader.decode(tooLarge, tooLarge.length, LIMITS))
                .isInstanceOfSatisfying(UploadRefusal.class, r -> assertThat(r.code()).isEqualTo("too-large"))
                .hasMessageContaining("1001").hasMessageContaining("1000");
    }

    @Test
    void nameOf255BytesIsAcceptedAndAnythingLongerIsBadNameNotCutShort() throws UploadRefusal {
        byte[] longest = new UploadHeader(1, "n".repeat(255)).encode();
        assertThat(longest).hasSize(UploadHeader.MAX_BYTES);
        assertThat(UploadHeader.decode(longest, longest.length, LIMITS).name()).hasSize(255);
        byte[] tooLong = new UploadHeader(1, "n".repeat(256)).encode();
        assertThatThrownBy(() -> UploadHeader.decode(tooLong, tooLong.length, LIMITS))
                .isInstanceOfSatisfying(UploadRefusal.class, r -> assertThat(r.code()).isEqualTo("bad-name"));
    }

    @Test
    void namesThatAreNotPlainAreBadName() {
        for (String name : new String[] {"../x", "a/b", ".hidden", "a\0b"}) {
            byte[] encoded = new UploadHeader(1, name).encode();
            assertThatThrownBy(() -> UploadHeader.decode(encoded, encoded.length, LIMITS)).as(name)
                    .isInstanceOfSatisfying(UploadRefusal.class, r -> assertThat(r.code()).isEqualTo("bad-name"));
        }
    }

    @Test
    void aRefusalTravelsAsOneLine() {
        UploadRefusal refusal = new UploadRefusal("bad-name", "the name 'a\nb' is bad");
        assertThat(new String(refusal.wireLine(), UTF_8)).isEqualTo("error bad-name: the name 'a b' is bad\n");
    }
}
