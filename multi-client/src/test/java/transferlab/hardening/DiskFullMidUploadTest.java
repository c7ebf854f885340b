package transferlab.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import transferlab.testkit.ChildJvm;
import transferlab.testkit.RawUploadClient;
import transferlab.upload.MultiClientUploadServerCommand;

/**
 * Issue 11 item 8: when the disk fills in the middle of the content, every mode tells the client
 * {@code error storage: …} (upload.md U17), keeps no temporary file (U10), and goes on serving.
 *
 * <p>How the disk fills without filling a disk: the server runs in a JVM of its own under
 * {@code prlimit --fsize=4096} (RLIMIT_FSIZE), so a write past 4 KiB fails with EFBIG ("File too
 * large"), just as a full disk fails with ENOSPC; the JVM ignores the SIGXFSZ that comes with it.
 * Portable to any Linux with util-linux, needs no root and no tmpfs, and tests the real server
 * code rather than an injected channel. The 8 KiB of content go in one write, which loopback
 * delivers whole, so the server has read every byte sent when it answers (no reset can eat it).
 */
class DiskFullMidUploadTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"iterative", "thread-per-client", "pool", "event-loop"})
    void aWriteThatFailsMidUploadIsReportedAsStorageAndLeavesNothing(String mode) throws Exception {
        try (ChildJvm server = ChildJvm.start(List.of("prlimit", "--fsize=4096"),
                MultiClientUploadServerCommand.class,
                "--mode", mode, "--bind", "127.0.0.1", "--port", "0", "--dir", dir.toString())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.awaitListeningPort());
            try (RawUploadClient client = RawUploadClient.connect(address)) {
                client.send(RawUploadClient.header(8192, "big.bin"));
                assertThat(client.readAnswer()).isEqualTo("go ahead");
                client.send(new byte[8192]);

                assertThat(client.readLine()).startsWith("error storage: ").doesNotContain(dir.toString());
            }
            assertThat(namesIn(dir)).as("no file, no temporary file").isEmpty();

            try (RawUploadClient next = RawUploadClient.connect(address)) {
                next.send(RawUploadClient.header(100, "small.txt"));
                assertThat(next.readAnswer()).as("the server goes on").isEqualTo("go ahead");
                next.send(new byte[100]);
                assertThat(next.readLine()).startsWith("ok ");
            }
            assertThat(namesIn(dir)).containsExactly("small.txt");
        }
    }

    private static List<String> namesIn(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
