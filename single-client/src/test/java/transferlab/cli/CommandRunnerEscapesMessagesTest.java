package transferlab.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/**
 * Issue 11 item 10: every client's failure line goes through {@link CommandRunner}, and a failure's
 * message often quotes a server; the one line on standard error has its control characters escaped,
 * whichever client (stage 1, 2 or 3) failed.
 */
class CommandRunnerEscapesMessagesTest {
    @Command(name = "hostile")
    static final class FailsWithServerText implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            throw new IOException("server says: \u001b[2J\u001b[Hall is well\ndone: 1 stored\u202e");
        }
    }

    @Test
    void theFailureLineIsOneLineWithControlCharactersAndBidiOverridesEscaped() {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        int status;
        try {
            System.setErr(new PrintStream(errors, true, UTF_8));
            status = CommandRunner.run(new FailsWithServerText());
        } finally {
            System.setErr(originalErr);
        }
        assertThat(status).isEqualTo(CommandRunner.FAILED);
        assertThat(errors.toString(UTF_8)).isEqualTo("hostile: server says: \\u001b[2J\\u001b[Hall is well"
                + "\\u000adone: 1 stored\\u202e" + System.lineSeparator());
    }
}
