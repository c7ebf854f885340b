package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes protocol R's request body (R1, R2), which any client POSTs to the control port.
 * {@code mvn verify} replays the seeds in {@code DownloadRequestFuzzTestInputs} (the spec's example
 * and edge cases); a long run:
 * <pre>
 *   JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -pl parallel-transfer -am verify \
 *       -Dtest=DownloadRequestFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Whatever the bytes: either a 400 reason of printable text (it goes back to the client), or
 * 1 to 255 threads that encode and parse back the same.
 */
class DownloadRequestFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void parseRefusesOrGivesTheThreadsAsked(byte[] body) throws BadRequestException {
        DownloadRequest request;
        try {
            request = DownloadRequest.parse(body);
        } catch (BadRequestException e) {
            assertThat(e.getMessage()).doesNotContainPattern("\\p{Cntrl}");
            return;
        }
        assertThat(request.blocks()).isBetween(RangedProtocol.MIN_BLOCKS, RangedProtocol.MAX_BLOCKS);
        assertThat(DownloadRequest.parse(request.toJson())).isEqualTo(request);
    }
}
