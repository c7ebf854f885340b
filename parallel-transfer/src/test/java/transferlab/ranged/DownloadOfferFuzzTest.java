package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;

/**
 * Fuzzes protocol R's reply (R3, R5) as the ranged client reads it: a hostile server chooses every
 * byte. The input's last byte is the number of threads the client asked for (minus one), the rest
 * the reply body. {@code mvn verify} replays the seeds in {@code DownloadOfferFuzzTestInputs}; a
 * long run:
 * <pre>
 *   JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -pl parallel-transfer -am verify \
 *       -Dtest=DownloadOfferFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Whatever the bytes: either a failure the client reports, or an offer it can use: the threads it
 * asked for, an MD5 and a real port, and, if the server said the size, a size of 0 or more whose
 * blocks cover the file exactly (computed here without overflow).
 */
class DownloadOfferFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void parseRefusesOrGivesAnOfferItCanUse(FuzzedDataProvider data) {
        int threads = data.consumeInt(RangedProtocol.MIN_BLOCKS, RangedProtocol.MAX_BLOCKS);
        byte[] body = data.consumeRemainingAsBytes();
        DownloadOffer offer;
        try {
            offer = DownloadOffer.parse(body, threads);
        } catch (DownloadFailedException e) {
            return;
        }
        assertThat(offer.blocks()).isEqualTo(threads);
        assertThat(offer.hash()).matches("[0-9a-fA-F]{32}");
        assertThat(offer.port()).isBetween(1, 65535);
        if (offer.size().isPresent()) {
            // B = S div N + 1, exactly: B > 0, and N blocks of B cover S (in big integers, no overflow).
            long size = offer.size().getAsLong();
            long blockSize = offer.layout().blockSize();
            assertThat(size).isNotNegative();
            assertThat(blockSize).isEqualTo(size / threads + 1).isPositive();
            assertThat(BigInteger.valueOf(blockSize).multiply(BigInteger.valueOf(threads)))
                    .isGreaterThan(BigInteger.valueOf(size));
        }
    }
}
