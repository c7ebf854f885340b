package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A client runs in a fresh directory of its own; a program it names relatively is still found. */
class ClientCommandTest {
    @Test
    void aProgramNamedRelativelyIsFoundFromTheGradersDirectory() {
        // Surefire runs in the tests module's directory, which holds python/ftclient_seed003.py.
        String anchored = ClientCommand.anchoredToGraderDirectory(
                "python3 python/ftclient_seed003.py {host} {port} {request} {dataport} -x not-a-file.py");

        assertThat(anchored).isEqualTo("python3 " + Path.of("python/ftclient_seed003.py").toAbsolutePath()
                + " {host} {port} {request} {dataport} -x not-a-file.py");
    }
}
