package transferlab.contract.upload;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import transferlab.testkit.PythonPrograms;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.contract.OurServers;
import transferlab.testkit.InProcessServer;
import transferlab.testkit.Requirement;
import transferlab.progress.TransferProgress;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;
import transferlab.upload.UploadClient;
import transferlab.upload.UploadCommand;
import transferlab.upload.UploadHandler;
import transferlab.upload.UploadLimits;
import transferlab.upload.UploadResult;

/**
 * Our Java server and client exchange files with the Python 3 client and server written from
 * seed 004's description ({@code tests/python/}): the course's own programs must work with ours
 * byte for byte. Skipped, with a message saying so, only where {@code python3} is not installed.
 */
class PythonInteropTest {
    private static final Path PYTHON_DIR = PythonPrograms.DIRECTORY;
    private static final Duration PROCESS_LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path temp;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> errorFiles = new ArrayList<>(); // each process's stderr, for failure messages
    private final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeEach
    void needsPython3() {
        PythonPrograms.assumePython(); // each test is reported as skipped, with the reason, if it is missing
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    @Test
    @Requirement({"U1", "U2", "U3", "U5"})
    void seedPythonClientUploadsToOurIterativeServer() throws Exception {
        Path received = temp.resolve("received");
        IterativeServer server = IterativeServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                UploadHandler.into(received, UploadLimits.defaults(), ServerLog.silent()), ServerLog.silent());
        InProcessServer running = OurServers.inProcess(server, received, "interop-iterative");
        servers.add(running);
        Path file = randomFile("from-python.bin", 1 << 20);

        for (String name : new String[] {"from-python.bin", "ünïcödé copy.bin"}) {
            Process client = start(List.of("python3", PYTHON_DIR.resolve("upload_client_seed004.py").toString(),
                    "127.0.0.1", String.valueOf(running.address().getPort()), file.toString(), name));
            assertThat(client.waitFor(PROCESS_LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(client.exitValue()).as(errorOutput(client)).isZero();
            // The client closes right after its content; the server finishes storing on its own.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(received.resolve(name)).exists().hasSameBinaryContentAs(file));
        }
    }

    @Test
    @Requirement({"U1", "U2", "U3", "U18"})
    void ourClientUploadsToTheSeedPythonServerWhichSendsNoOkLine() throws Exception {
        Path received = temp.resolve("received");
        InetSocketAddress server = startPythonServer(received);
        Path file = randomFile("to-python.bin", 1 << 20);

        UploadResult result = new UploadClient(Duration.ofSeconds(10))
                .upload(server, file, "to-python.bin", TransferProgress.hidden());
        assertThat(result.confirmed()).as("a seed server sends no ok line").isFalse();
        assertThat(result.verified()).isFalse();
        assertThat(result.size()).isEqualTo(1 << 20);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(received.resolve("to-python.bin")).exists().hasSameBinaryContentAs(file));
    }

    @Test
    @Requirement({"U3", "U18"})
    void uploadCommandAgainstTheSeedPythonServerExitsZeroAndSaysNotVerified() throws Exception {
        Path received = temp.resolve("received");
        InetSocketAddress server = startPythonServer(received);
        Path file = randomFile("notes.bin", 100_000);

        PrintStream originalOut = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, UTF_8));
            exit = CommandRunner.run(new UploadCommand(), HostPort.format(server), file.toString());
        } finally {
            System.setOut(originalOut);
        }
        assertThat(exit).isEqualTo(CommandRunner.OK);
        assertThat(printed.toString(UTF_8)).contains("not verified");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(received.resolve("notes.bin")).exists().hasSameBinaryContentAs(file));
        assertThat(received).isDirectoryNotContaining(path -> path.getFileName().toString().endsWith(".temp"));
    }

    /** Starts the Python server on a free port and returns where it listens (its first line of output). */
    private InetSocketAddress startPythonServer(Path directory) throws Exception {
        Process server = start(List.of("python3", PYTHON_DIR.resolve("upload_server_seed004.py").toString(),
                "0", directory.toString()));
        BufferedReader output = new BufferedReader(new InputStreamReader(server.getInputStream(), UTF_8));
        CompletableFuture<String> firstLine = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                firstLine.complete(output.readLine());
                while (output.readLine() != null) {
                    // drain the per-upload lines so the server never blocks on a full pipe
                }
            } catch (IOException e) {
                firstLine.completeExceptionally(e);
            }
        }, "python-server-output");
        reader.setDaemon(true);
        reader.start();
        String line = firstLine.get(PROCESS_LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(line).as("first line of the Python server; stderr: " + errorOutput(server))
                .startsWith("listening on ");
        return HostPort.parse(line.substring("listening on ".length()).trim());
    }

    private Process start(List<String> command) throws IOException {
        Path errors = Files.createTempFile(temp, "stderr-", ".txt");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        processes.add(process);
        errorFiles.add(errors);
        return process;
    }

    private String errorOutput(Process process) {
        try {
            return Files.readString(errorFiles.get(processes.indexOf(process)));
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }

    private Path randomFile(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(name.hashCode()).nextBytes(bytes);
        return Files.write(temp.resolve(name), bytes);
    }
}
