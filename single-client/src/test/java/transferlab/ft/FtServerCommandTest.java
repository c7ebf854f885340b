package transferlab.ft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.cli.CommandRunner;

/** {@code ./transfer ftserver}: its first line, its log, its usage errors. */
class FtServerCommandTest {
    private static final long LIMIT_SECONDS = 20;

    @Test
    void printsListeningOnFirstThenServesAndLogsEachRequest(@TempDir Path served) throws Exception {
        Files.writeString(served.resolve("notes.txt"), "notes\n");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process server = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                FtServerCommand.class.getName(), "0", "--dir", served.toString(), "--bind", "127.0.0.1")
                .redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = nextLine(output);
            assertThat(first).matches("listening on 127\\.0\\.0\\.1:\\d+");
            int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));

            List<String> names = new FtClient(Duration.ofSeconds(LIMIT_SECONDS),
                    new PrintStream(OutputStream.nullOutputStream())).list("127.0.0.1", port, 0);

            assertThat(names).containsExactly("notes.txt");
            assertThat(nextLine(output))
                    .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} 127\\.0\\.0\\.1:\\d+ LIST: sent 10 bytes .*");
        } finally {
            server.destroy();
            server.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        assertThat(CommandRunner.run(new FtServerCommand(), "70000")).isEqualTo(CommandRunner.USAGE);
    }

    @Test
    void aMissingDirectoryIsAUsageError(@TempDir Path parent) {
        assertThat(CommandRunner.run(new FtServerCommand(), "0", "--dir", parent.resolve("nope").toString()))
                .isEqualTo(CommandRunner.USAGE);
        assertThat(parent.resolve("nope")).doesNotExist();
    }

    /** The server's next line of output, waiting at most {@link #LIMIT_SECONDS}. */
    private static String nextLine(BufferedReader output) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return output.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(LIMIT_SECONDS, TimeUnit.SECONDS);
    }
}
