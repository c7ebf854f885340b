package transferlab.upload;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Set;
import transferlab.storage.BadNameException;
import transferlab.storage.PlainFileName;

/**
 * Fuzzes protocol U's header parser, the first bytes any stranger sends an upload server (U3-U9).
 * {@code mvn verify} replays the seeds in {@code UploadHeaderFuzzTestInputs} (the spec's examples and
 * its edge cases) in well under a second; a long run that searches for new inputs:
 * <pre>
 *   JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -pl single-client -am verify \
 *       -Dtest=UploadHeaderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Whatever the bytes: either a refusal with a known code whose line is one line of printable text,
 * or a header whose size is within the limit, whose name is a plain name, and which encodes back to
 * exactly the bytes read.
 */
class UploadHeaderFuzzTest {
    private static final UploadLimits LIMITS = UploadLimits.defaults();
    private static final Set<String> CODES = Set.of("bad-header", "bad-name", "bad-size", "too-large");

    @FuzzTest(maxDuration = "5m")
    void decodeRefusesOrGivesAHeaderThatEncodesToTheSameBytes(byte[] input) throws BadNameException {
        UploadHeader header;
        try {
            header = UploadHeader.decode(input, input.length, LIMITS);
        } catch (UploadRefusal refusal) {
            assertThat(refusal.code()).isIn(CODES);
            String line = new String(refusal.wireLine(), UTF_8);
            assertThat(line).endsWith("\n");
            assertThat(line.substring(0, line.length() - 1)).doesNotContainPattern("\\p{Cntrl}");
            return;
        }
        assertThat(header.size()).isBetween(0L, LIMITS.maxContentBytes());
        assertThat(PlainFileName.check(header.name())).isEqualTo(header.name());
        assertThat(header.encode()).isEqualTo(input);
    }
}
