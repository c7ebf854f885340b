package transferlab.ft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Set;

/**
 * Fuzzes protocol F's command line (F1-F5) as ftserver reads it: the bytes before the newline,
 * decoded strictly as UTF-8, then parsed. {@code mvn verify} replays the seeds in
 * {@code FtRequestFuzzTestInputs} (the spec's examples and edge cases); a long run:
 * <pre>
 *   JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -pl single-client -am verify \
 *       -Dtest=FtRequestFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Whatever the bytes: either an {@code ERROR} line with a known code, one line of printable text,
 * or a request with a port from 1 to 65535 that encodes back to the same line and parses again
 * to the same request.
 */
class FtRequestFuzzTest {
    private static final Set<String> CODES = Set.of("bad-command", "bad-port");

    @FuzzTest(maxDuration = "5m")
    void parseRefusesOrGivesARequestThatEncodesToTheSameLine(byte[] input) throws FtRefusal {
        FtRequest request;
        try {
            request = FtRequest.parse(FtHandler.decode(input, lineLength(input)));
        } catch (FtRefusal refusal) {
            assertThat(refusal.code()).isIn(CODES);
            String line = new String(refusal.wireLine(), UTF_8);
            assertThat(line).endsWith("\n");
            assertThat(line.substring(0, line.length() - 1)).doesNotContainPattern("\\p{Cntrl}");
            return;
        }
        assertThat(request.dataPort()).isBetween(1, 65535);
        byte[] encoded = request.encode();
        String again = new String(encoded, 0, encoded.length - 1, UTF_8);
        assertThat(FtRequest.parse(again)).isEqualTo(request);
    }

    /** The server reads up to the first newline; what follows it is never parsed. */
    private static int lineLength(byte[] input) {
        for (int i = 0; i < input.length; i++) {
            if (input[i] == '\n') {
                return i;
            }
        }
        return input.length;
    }
}
