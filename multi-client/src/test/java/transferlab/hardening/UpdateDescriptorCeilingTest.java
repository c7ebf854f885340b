package transferlab.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.storage.Hashes;
import transferlab.testkit.ChildJvm;
import transferlab.testkit.RawUpdateConnection;
import transferlab.update.UpdateProtocol;
import transferlab.update.UpdateServerCommand;

/**
 * D14 and issue 11 item 6a for the update server: its connection ceiling comes from the open file
 * limit, and a poll costs one descriptor (its socket; the offered file is open only while a piece
 * of it is written). The server runs in a JVM of its own under {@code prlimit --nofile=200} and is
 * asked for {@code --max-connections 1000}: it says at start how many it serves at once (the
 * ceiling). That many polls, all connected at once, each get their queued file intact; the ones
 * beyond the ceiling are closed at accept without a byte (D14), the server survives, and a client
 * turned away is served when it polls again.
 */
class UpdateDescriptorCeilingTest {
    private static final Pattern CEILING = Pattern.compile("serving at most (\\d+) at once");
    private static final int BEYOND = 10;
    private static final int FILE_BYTES = 4096;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path outbox;

    @Test
    void pollsUpToTheCeilingAreServedIntactAndTheRestClosedAtAccept() throws Exception {
        try (ChildJvm server = ChildJvm.start(List.of("prlimit", "--nofile=200"), UpdateServerCommand.class,
                "--max-connections", "1000", "--max-per-address", "1000", "--bind", "127.0.0.1", "--port", "0",
                "--outbox", outbox.toString())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.awaitListeningPort());
            String warning = server.awaitLine(line -> line.contains("warning: --max-connections 1000 exceeds"));
            assertThat(warning).as("a poll costs one descriptor, its socket").contains(", 1 a connection;");
            Matcher matcher = CEILING.matcher(warning);
            assertThat(matcher.find()).as(warning).isTrue();
            int ceiling = Integer.parseInt(matcher.group(1));
            // 200 descriptors less the JVM's own and the reserve of 64: about a hundred, not half that.
            assertThat(ceiling).isBetween(60, 136);

            List<byte[]> contents = new ArrayList<>();
            Random random = new Random(14);
            for (int i = 0; i < ceiling + BEYOND; i++) {
                byte[] content = new byte[FILE_BYTES];
                random.nextBytes(content);
                contents.add(content);
                Files.write(Files.createDirectories(outbox.resolve(clientId(i))).resolve("update.bin"), content);
            }

            List<RawUpdateConnection> held = new ArrayList<>();
            try {
                // The ceiling's worth of clients, silent: each holds its connection (READING_POLL).
                for (int i = 0; i < ceiling; i++) {
                    held.add(RawUpdateConnection.open(address, READ_TIMEOUT));
                }
                // Accepted after them (the backlog is taken in order): one more each, closed at once.
                for (int i = ceiling; i < ceiling + BEYOND; i++) {
                    try (RawUpdateConnection beyond = RawUpdateConnection.open(address, READ_TIMEOUT)) {
                        beyond.sendPoll(clientId(i));
                        assertThat(beyond.closedWithoutAByte()).as("client %d, beyond the ceiling", i).isTrue();
                    }
                }
                // Now every held client polls, all still open at once, and gets its file intact.
                for (int i = 0; i < ceiling; i++) {
                    held.get(i).sendPoll(clientId(i));
                }
                for (int i = 0; i < ceiling; i++) {
                    receiveAndAcknowledge(held.get(i), i, contents.get(i));
                }
            } finally {
                for (RawUpdateConnection connection : held) {
                    connection.close();
                }
            }
            assertThat(server.lines()).filteredOn(line -> line.contains("refused (busy): " + ceiling
                    + " connections open, the limit is " + ceiling)).hasSize(BEYOND);
            assertThat(server.lines()).noneMatch(line -> line.contains("accept failed")
                    || line.contains("Too many open files"));
            for (int i = 0; i < ceiling; i++) {
                assertThat(outbox.resolve(clientId(i)).resolve("update.bin")).as("acknowledged").doesNotExist();
            }

            // The server lives on: a client turned away gets its file when it polls again.
            int later = ceiling;
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                try (RawUpdateConnection again = RawUpdateConnection.open(address, READ_TIMEOUT)) {
                    again.sendPoll(clientId(later));
                    receiveAndAcknowledge(again, later, contents.get(later));
                }
            });
            assertThat(outbox.resolve(clientId(later)).resolve("update.bin")).doesNotExist();
        }
    }

    /** D4, D8: the offer names the file, its bytes match the announced hash and what was queued; then the ack. */
    private static void receiveAndAcknowledge(RawUpdateConnection connection, int i, byte[] queued) throws Exception {
        JsonNode offer = connection.readHeader();
        assertThat(offer).as("client %d's offer", i).isNotNull();
        assertThat(offer.get("file-name").asText()).isEqualTo("update.bin");
        assertThat(offer.get("file-size").asLong()).isEqualTo(queued.length);
        byte[] received = connection.readPayload(queued.length);
        String hash = UpdateProtocol.wireHash(Hashes.hex(Hashes.sha256().digest(received)));
        assertThat(received).as("client %d's file", i).isEqualTo(queued);
        assertThat(offer.get("file-hash").asText()).isEqualTo(hash);
        connection.sendAck(clientId(i), hash);
        assertThat(connection.readHeader()).as("nothing more queued for client %d: closed", i).isNull();
    }

    private static String clientId(int i) {
        return "poller-" + i;
    }
}
