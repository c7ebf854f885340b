package transferlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A log line often quotes what a client sent (a bad name, a bad frame's JSON token): its control
 * characters are escaped, so a client can neither steer the operator's terminal nor forge a log line.
 */
class ServerLogEscapesClientTextTest {
    @Test
    void controlCharactersInAnEventAreEscapedAndTheLineStaysOneLine() {
        List<String> lines = new ArrayList<>();
        ServerLog log = new ServerLog(lines::add);

        log.event(new InetSocketAddress("127.0.0.1", 4000), "bad-name 'x\u001b[2J'\n12:00:00.000 forged line");
        log.info("removed \u001b]0;owned\u0007");

        assertThat(lines).containsExactly("127.0.0.1:4000 bad-name 'x\\u001b[2J'\\u000a12:00:00.000 forged line",
                "removed \\u001b]0;owned\\u0007");
    }
}
