package transferlab.grading.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.LeftFiles;
import transferlab.testkit.TestFiles;
import transferlab.testkit.TrustedUploadServer;
import transferlab.testkit.ServerUnderTest;
import transferlab.testkit.Requirement;
import transferlab.testkit.SuiteTimeouts;
import transferlab.testkit.TcpProxy;
import transferlab.grading.CheckRunExtension;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.ClientCommand;

/**
 * Grades a protocol U client ({@code ./transfer check upload --client-cmd "python3 client.py {host}
 * {port} {file}"}): the client uploads files to the grader's own server
 * ({@link TrustedUploadServer}: in a student tree stage 1's server is an exercise), alone and many at once, and
 * every stored file is checked by its SHA-256. Our server follows the seed: "go ahead" after the
 * header; the "ok" line at the end is ours and a seed client may ignore it.
 *
 * <p>Judged by the wire too: the client reaches our server through a recording {@link TcpProxy},
 * and a file counts only if its bytes crossed the client's connection. Our server's directory is
 * a temporary directory of its own, not beside the client's.
 */
@ExtendWith(CheckRunExtension.class)
public final class UploadClientCheck {
    /** Our stage 1 server serves one client at a time; many at once queue in its backlog, as in the seed. */
    static final int CLIENTS_AT_ONCE = 8;
    /**
     * How long after the client exits its file must be stored (scaled by the timeout factor). The
     * client's bytes may still be on their way then: over {@code --network lossy} 4 MiB take about
     * 4.5 s (a stall every 256 KiB, a delay per burst), and at 5 s a correct client lost U3 there.
     */
    static final Duration STORED_WITHIN = Duration.ofSeconds(15);

    private final CheckTarget target;

    @TempDir
    Path work;
    /** Our server's directory: not in {@link #work}, where the client runs, so not "../received" from it. */
    @TempDir
    Path reference;
    Path received;
    Path outgoing;
    ServerUnderTest server;
    /** Between the client and our server: what crossed. */
    TcpProxy wire;

    public UploadClientCheck(CheckTarget target) {
        this.target = target;
    }

    @BeforeEach
    void startOurServer() throws IOException {
        received = Files.createDirectory(reference.resolve("received"));
        outgoing = Files.createDirectory(work.resolve("outgoing"));
        server = target.throughNetworkBehindWire(TrustedUploadServer.into(received));
        wire = target.recordingProxyTo(server.address()); // the client's port: --client-port
    }

    @AfterEach
    void stopOurServer() {
        wire.close();
        server.close();
    }

    @Test
    @Requirement({"U1", "U2", "U3"})
    void oneFileArrivesIntactUnderItsName() throws Exception {
        Path file = writeFile("notes.txt", 100_000, 1);
        assertUploaded(List.of(file));
    }

    @Test
    @Requirement("U3")
    void anEmptyFileArrivesEmpty() throws Exception {
        Path file = writeFile("empty.txt", 0, 2);
        assertUploaded(List.of(file));
    }

    @Test
    @Requirement("U3")
    void aFileOfFourMebibytesArrivesIntact() throws Exception {
        Path file = writeFile("big.bin", 4 << 20, 3);
        assertUploaded(List.of(file));
    }

    @Test
    @Requirement("U15")
    void eightClientsAtOnceEachFileArrivesIntact() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < CLIENTS_AT_ONCE; i++) {
            files.add(writeFile("client-" + i + ".bin", 64 * 1024 + i, 10 + i));
        }
        assertUploaded(files);
    }

    /** Runs the client once per file, all at once; each file must be stored with the same bytes. */
    private void assertUploaded(List<Path> files) throws Exception {
        // The bytes sent, kept before the client runs: it runs beside the files and may replace them.
        List<byte[]> contents = new ArrayList<>();
        for (Path file : files) {
            contents.add(Files.readAllBytes(file));
        }
        List<ClientCommand.Run> runs = ClientCommand.runAll(target.command(), wire.address(), files,
                target.logDirectory(), target.sandbox());
        for (int i = 0; i < files.size(); i++) {
            Path sent = files.get(i);
            byte[] content = contents.get(i);
            ClientCommand.Run run = runs.get(i);
            String name = sent.getFileName().toString();
            String said = run.said();
            assertThat(run.timedOut()).as("the client sending %s was still running after %d s%s", name,
                    ClientCommand.RUN_TIMEOUT.toSeconds(), said).isFalse();
            Path stored = received.resolve(name);
            // The client may exit as soon as its last byte is written; the server stores it a moment later.
            await().atMost(SuiteTimeouts.scaled(STORED_WITHIN)).untilAsserted(() -> {
                assertThat(stored).as("%s on the server (client exit status %d%s)", name, run.exitStatus(), said)
                        .exists();
                assertThat(LeftFiles.sha256(stored)).as("sha256 of %s as stored, %d bytes sent, %d stored%s", name,
                        content.length, LeftFiles.size(stored), said).isEqualTo(TestFiles.sha256(content));
            });
            assertThat(wire.carried(content, TcpProxy.Direction.UPSTREAM))
                    .as("the %d bytes of %s crossed a connection from the client to our server (%d bytes went up "
                            + "over %d connection(s) in all): a file counts only if the client sent it over its "
                            + "socket%s", content.length, name, wire.bytesCarried(TcpProxy.Direction.UPSTREAM),
                            wire.connections(), said)
                    .isTrue();
        }
    }

    private Path writeFile(String name, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(outgoing.resolve(name), bytes);
    }
}
