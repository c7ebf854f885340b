package transferlab.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.progress.TransferProgress;
import transferlab.server.VirtualThreads;
import transferlab.testkit.TestFiles;

/** {@code ./transfer upload-server --mode …}: exit codes, messages, help, and each mode serving for real. */
@Isolated // swaps System.out: runs alone when test classes run in parallel (the student-tree proof)
class MultiClientUploadServerCommandTest {
    @TempDir
    Path dir;

    @Test
    void virtualModeBeforeJava21ExitsTwoWithAClearMessage() {
        assumeTrue(Runtime.version().feature() < VirtualThreads.FIRST_JAVA_RELEASE, "this JVM has virtual threads");
        Captured run = capture("--mode", "virtual", "--port", "0");
        assertThat(run.exitCode).isEqualTo(CommandRunner.USAGE);
        assertThat(run.err).contains("--mode virtual needs Java 21 or later")
                .contains("this is Java " + Runtime.version().feature());
        assertThat(run.out).doesNotContain("listening on");
    }

    @Test
    void unknownModeIsAUsageErrorThatNamesTheValue() {
        Captured run = capture("--mode", "forking", "--port", "0");
        assertThat(run.exitCode).isEqualTo(CommandRunner.USAGE);
        assertThat(run.err).contains("'forking' is not a mode");
    }

    @Test
    void zeroMaxConnectionsIsAUsageErrorThatNamesTheValue() {
        Captured run = capture("--mode", "pool", "--max-connections", "0", "--port", "0");
        assertThat(run.exitCode).isEqualTo(CommandRunner.USAGE);
        assertThat(run.err).contains("--max-connections must be at least 1, was 0");
    }

    @Test
    void helpShowsAnExampleForEveryMode() {
        Captured run = capture("--help");
        assertThat(run.exitCode).isEqualTo(CommandRunner.OK);
        for (String mode : List.of("thread-per-client", "pool", "event-loop", "virtual")) {
            assertThat(run.out).contains("./transfer upload-server --mode " + mode);
        }
        assertThat(run.out).contains("./transfer upload-server --port 5000 --dir received")
                .contains("--max-connections").contains("--pool-size").contains("--queue").contains("--idle-timeout");
    }

    /**
     * In its own JVM, as the launcher runs it: "listening on" first, then a real upload. One mode is
     * enough here (a JVM start costs a second): every mode goes through the same call(), and each
     * server is tested in-process elsewhere.
     */
    @Test
    void eventLoopModePrintsListeningFirstAndStoresAnUpload() throws Exception {
        String mode = "event-loop";
        Path received = dir.resolve("received");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MultiClientUploadServerCommand.class.getName(),
                "--mode", mode, "--port", "0", "--bind", "127.0.0.1", "--dir", received.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertThat(first).startsWith("listening on 127.0.0.1:");
            InetSocketAddress address = HostPort.parse(first.substring("listening on ".length()));
            Path file = TestFiles.write(dir, "notes.txt", 5_000, 9);
            UploadResult result = new UploadClient(Duration.ofSeconds(10)).upload(address, file, "notes.txt",
                    TransferProgress.hidden());
            assertThat(result.verified()).isTrue();
            assertThat(TestFiles.sha256(received.resolve("notes.txt"))).isEqualTo(TestFiles.sha256(file));
            assertThat(out.readLine()).contains("stored notes.txt (5000 bytes");
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private record Captured(int exitCode, String out, String err) {
    }

    private static Captured capture(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = CommandRunner.run(new MultiClientUploadServerCommand(), args);
            return new Captured(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
