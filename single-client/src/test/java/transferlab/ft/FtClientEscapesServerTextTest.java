package transferlab.ft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.cli.CommandRunner;
import transferlab.testkit.ScriptedFtServer;

/**
 * Issue 11 item 10: a LIST name or an {@code ERROR} line is the server's text; ftclient prints it
 * with its control characters escaped, so a hostile server cannot steer the user's terminal (an ESC
 * sequence that clears the screen, sets the title, or fakes a line). ft.md F21, F25.
 */
class FtClientEscapesServerTextTest {
    private static final String ESC = "\u001b";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path downloads;

    /** F21: the listing is printed one name a line, a name's ESC shown as \u001b. */
    @Test
    void listNamesWithEscapeSequencesArePrintedEscaped() throws Exception {
        byte[] listing = ("clear" + ESC + "[2Jscreen\nplain.txt\n").getBytes(UTF_8);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (ScriptedFtServer fake = ScriptedFtServer.start(TIMEOUT, (command, control, data) -> {
            control.write(("OK " + listing.length + "\n").getBytes(UTF_8));
            data.write(listing);
        })) {
            new FtClient(Duration.ofSeconds(10), new PrintStream(printed, true, UTF_8))
                    .list("127.0.0.1", fake.port(), 0);
        }
        String out = printed.toString(UTF_8);
        assertThat(out).doesNotContain(ESC).contains("clear\\u001b[2Jscreen\n").contains("plain.txt\n");
    }

    /** F25: the refusal reaches standard error as one line, its control characters escaped. */
    @Test
    void anErrorLineWithEscapeSequencesReachesTheTerminalEscaped() throws Exception {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        int status;
        try (ScriptedFtServer fake = ScriptedFtServer.start(TIMEOUT, (command, control, data) ->
                control.write(("ERROR " + ESC + "]0;owned" + "\u0007 no such file\r\n").getBytes(UTF_8)))) {
            System.setErr(new PrintStream(errors, true, UTF_8));
            try {
                status = CommandRunner.run(new FtClientCommand(), "127.0.0.1", String.valueOf(fake.port()),
                        "-g", "x.txt", "0", "--dir", downloads.toString(), "--timeout", "10");
            } finally {
                System.setErr(originalErr);
            }
        }
        assertThat(status).isEqualTo(CommandRunner.FAILED);
        String err = errors.toString(UTF_8);
        assertThat(err).doesNotContain(ESC).doesNotContain("\u0007").doesNotContain("\r")
                .contains("server says: ERROR \\u001b]0;owned\\u0007 no such file\\u000d");
    }
}
