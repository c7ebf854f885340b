package transferlab.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import transferlab.testkit.ChildJvm;
import transferlab.testkit.RawUploadClient;
import transferlab.upload.MultiClientUploadServerCommand;

/**
 * Issue 11 item 6a: descriptor exhaustion. The server runs in a JVM of its own under
 * {@code prlimit --nofile=200} and is asked for {@code --max-connections 1000}, which its 200 file
 * descriptors cannot hold (each upload holds a socket and a temporary file). It says so at start,
 * and then 120 uploads that all stop halfway through their content (each holding its two
 * descriptors) get either "go ahead" or {@code error busy} (U19), never {@code error storage} and
 * never silence; the server survives, and serves the next upload once they leave.
 */
class DescriptorCeilingTest {
    private static final int CLIENTS = 120;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"thread-per-client", "pool", "event-loop"})
    void beyondWhatTheDescriptorsHoldClientsAreBusyAndTheServerLives(String mode) throws Exception {
        // A pool as large as the clients, so that the descriptors, not the workers, are what runs out.
        try (ChildJvm server = ChildJvm.start(List.of("prlimit", "--nofile=200"),
                MultiClientUploadServerCommand.class, "--mode", mode, "--pool-size", String.valueOf(CLIENTS),
                "--max-connections", "1000", "--max-per-address", "1000", "--header-settle", "0",
                "--bind", "127.0.0.1", "--port", "0", "--dir", dir.toString())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.awaitListeningPort());
            assertThat(server.lines()).anyMatch(line -> line.contains("warning: --max-connections 1000 exceeds"));

            List<RawUploadClient> clients = new ArrayList<>();
            int goAhead = 0;
            int busy = 0;
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    RawUploadClient client = RawUploadClient.connect(address);
                    clients.add(client);
                    client.send(RawUploadClient.header(1_000_000, "file-" + i + ".bin"));
                    String answer = client.readAnswer();
                    if ("go ahead".equals(answer)) {
                        goAhead++;
                        client.send(new byte[1000]); // and stop here: the socket and the file stay open
                    } else {
                        assertThat(answer).as("client " + i).startsWith("error busy: ");
                        busy++;
                    }
                }
            } finally {
                for (RawUploadClient client : clients) {
                    client.close();
                }
            }
            assertThat(goAhead).as("served up to the ceiling").isPositive();
            assertThat(busy).as("turned away beyond it").isPositive();

            // The server lives on: once it has seen those clients leave, the next upload is stored.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                try (RawUploadClient next = RawUploadClient.connect(address)) {
                    next.send(RawUploadClient.header(100, "after.txt"));
                    assertThat(next.readAnswer()).isEqualTo("go ahead");
                    next.send(new byte[100]);
                    assertThat(next.readLine()).startsWith("ok ");
                }
            });
        }
        assertThat(namesIn(dir)).contains("after.txt").noneMatch(name -> name.endsWith(".part"));
    }

    private static List<String> namesIn(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
