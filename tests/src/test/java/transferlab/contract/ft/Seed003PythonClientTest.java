package transferlab.contract.ft;

import static org.assertj.core.api.Assertions.assertThat;

import transferlab.testkit.PythonPrograms;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.Requirement;
import transferlab.ft.FtHandler;
import transferlab.ft.FtLimits;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;
import transferlab.storage.Hashes;

/**
 * Interoperability: tests/python/ftclient_seed003.py, a Python 3 client written from seed 003's
 * description and the wire format in resources/protocols/ft.md, fetches a listing and a file from
 * our Java server. Skipped, with a message, only where {@code python3} is not installed.
 */
class Seed003PythonClientTest {
    private static final Path CLIENT = PythonPrograms.program("ftclient_seed003.py");
    private static final long PROCESS_LIMIT_SECONDS = 20;

    @TempDir
    Path served;
    @TempDir
    Path workingDirectory;
    @TempDir
    Path outputs;

    private IterativeServer server;

    @BeforeEach
    void startServer() throws IOException {
        PythonPrograms.assumePython();
        assertThat(CLIENT).as("the Python client, run from the tests module's directory").exists();
        server = IterativeServer.bind(new InetSocketAddress("127.0.0.1", 0),
                FtHandler.serving(served, FtLimits.defaults(), ServerLog.silent()), ServerLog.silent());
        server.serveInBackground("ft-for-python");
    }

    @AfterEach
    void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Requirement({"F5", "F21"})
    void theSeedClientListsOurServersFiles() throws Exception {
        Files.writeString(served.resolve("textfile-small"), "small\n");
        Files.writeString(served.resolve("textfile-large"), "large\n".repeat(1000));
        Files.createDirectory(served.resolve("not-a-file"));

        Result result = runClient("-l", "0");

        assertThat(result.exitCode()).as(result.output()).isZero();
        List<String> lines = result.output().lines().toList();
        assertThat(lines.get(0)).isEqualTo("Connected to 127.0.0.1 on port " + server.address().getPort() + "...");
        assertThat(lines.get(1)).matches("Data transfer initiated on \\('127\\.0\\.0\\.1', \\d+\\)\\.\\.\\.");
        assertThat(lines.subList(2, lines.size())).containsExactly("textfile-large", "textfile-small");
    }

    @Test
    @Requirement({"F6", "F21"})
    void theSeedClientGetsAFileIntact() throws Exception {
        byte[] content = new byte[3 << 20];
        new Random(3).nextBytes(content);
        Files.write(served.resolve("textfile-large"), content);

        Result result = runClient("-g", "textfile-large", "0");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).endsWith("Transfer complete.\n");
        assertThat(Hashes.sha256Hex(workingDirectory.resolve("textfile-large")))
                .isEqualTo(Hashes.sha256Hex(served.resolve("textfile-large")));
    }

    @Test
    @Requirement("F7")
    void theSeedClientReportsOurErrorLine() throws Exception {
        Result result = runClient("-g", "missing.txt", "0");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("ERROR no-such-file: missing.txt");
        assertThat(workingDirectory).isEmptyDirectory();
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs the Python client in the working directory, standard error folded into the output. */
    private Result runClient(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", CLIENT.toString(), "127.0.0.1",
                String.valueOf(server.address().getPort())));
        command.addAll(List.of(arguments));
        Path outputFile = Files.createTempFile(outputs, "ftclient", ".out");
        Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(outputFile.toFile()).start();
        boolean finished = process.waitFor(PROCESS_LIMIT_SECONDS, TimeUnit.SECONDS);
        String output = Files.readString(outputFile);
        if (!finished) {
            process.destroyForcibly();
            throw new AssertionError("the Python client did not finish within " + PROCESS_LIMIT_SECONDS + " s: "
                    + output);
        }
        return new Result(process.exitValue(), output);
    }
}
