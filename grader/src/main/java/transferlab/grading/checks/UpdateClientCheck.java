package transferlab.grading.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import transferlab.testkit.LeftFiles;
import transferlab.testkit.Requirement;
import transferlab.testkit.ServerUnderTest;
import transferlab.testkit.SuiteTimeouts;
import transferlab.testkit.TcpProxy;
import transferlab.testkit.TrustedUpdateServer;
import transferlab.testkit.RawUpdateConnection;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.ClientCommand;

/**
 * Grades a protocol D client ({@code ./transfer check update --client-cmd "python3 client.py {host}
 * {port} {id} {dir}"}) against the grader's own server ({@link TrustedUpdateServer}: in a student tree stage 2's
 * server is an exercise), on the
 * client requirements of resources/protocols/update.md: it stores what is queued for its id, intact
 * (D4), reads frames that arrive in 1-byte pieces ({@link TcpProxy}, D1), stores nothing when the
 * bytes do not have the offered hash (D7), acknowledges so that the queue empties (D8), and skips a
 * file it already holds (D15). Alone and eight at once.
 */
public final class UpdateClientCheck extends UpdateClientScenarios {
    static final int CLIENTS_AT_ONCE = 8;
    /** How long after the client exits its acks must have emptied the queue (scaled). */
    static final Duration ACKED_WITHIN = Duration.ofSeconds(5);
    /** Larger than the socket buffers, so a raw poll that leaves after the header has not taken the file whole. */
    static final int HASH_CACHED_SIZE = 8 << 20;

    ServerUnderTest server;
    TcpProxy proxy;

    public UpdateClientCheck(CheckTarget target) {
        super(target);
    }

    @BeforeEach
    void startOurServer() throws IOException {
        server = target.throughNetworkBehindWire(TrustedUpdateServer.serving(outbox()));
        wireTarget = server.address();
        wire = target.recordingProxyTo(wireTarget); // the client's port: --client-port
    }

    @AfterEach
    void stopOurServer() {
        wire.close();
        if (proxy != null) {
            proxy.close();
        }
        server.close();
    }

    @Test
    @Requirement("D4")
    void aQueuedFileIsStoredIntactUnderItsName() throws Exception {
        queue("laptop-1", "patch-1.bin", 300_000, false);
        Path directory = clientDirectory();

        assertStoredExactly(run(server.address(), "laptop-1", directory), "laptop-1", directory,
                List.of("patch-1.bin"));
    }

    /** More than one file: the next is offered only after the ack of the one before (D8). */
    @Test
    @Requirement({"D4", "D8"})
    void everyQueuedFileIsStoredTextBinaryEmptyAndOneMebibyte() throws Exception {
        queue("laptop-2", "notes.txt", 5_000, true);
        queue("laptop-2", "patch.bin", 70_000, false);
        queue("laptop-2", "empty.txt", 0, false);
        queue("laptop-2", "image-1MiB.bin", 1 << 20, false);
        Path directory = clientDirectory();

        assertStoredExactly(run(server.address(), "laptop-2", directory), "laptop-2", directory,
                List.of("notes.txt", "patch.bin", "empty.txt", "image-1MiB.bin"));
    }

    @Test
    @Requirement("D4")
    void eightClientsAtOnceEachStoreTheirOwnFile() throws Exception {
        List<String> ids = new ArrayList<>();
        List<Path> directories = new ArrayList<>();
        for (int i = 0; i < CLIENTS_AT_ONCE; i++) {
            ids.add("client-" + i);
            queue("client-" + i, "update-" + i + ".bin", 40_000 + i, false);
            directories.add(clientDirectory());
        }
        List<ClientCommand.Run> runs = runAtOnce(server.address(), ids, directories);

        for (int i = 0; i < CLIENTS_AT_ONCE; i++) {
            assertStoredExactly(runs.get(i), ids.get(i), directories.get(i), List.of("update-" + i + ".bin"));
        }
    }

    @Test
    @Requirement("D1")
    void framesSplitIntoOneBytePiecesAreReadWhole() throws Exception {
        queue("laptop-3", "small.txt", 300, true);
        // A pause between the pieces, or a slow client finds several already waiting and one recv
        // would pass for a loop; 2 ms over the ~400 bytes of the exchange is under a second.
        proxy = TcpProxy.start(server.address(), TcpProxy.Faults.none().splitInto(1, Duration.ofMillis(2)));
        Path directory = clientDirectory();

        assertStoredExactly(run(proxy.address(), "laptop-3", directory), "laptop-3", directory, List.of("small.txt"));
    }

    @Test
    @Requirement("D8")
    void theClientAcknowledgesSoItsQueueEmpties() throws Exception {
        queue("laptop-4", "a.txt", 2_000, true);
        queue("laptop-4", "b.bin", 9_000, false);

        ClientCommand.Run run = run(server.address(), "laptop-4", clientDirectory());

        assertFinished(run, "laptop-4");
        assertQueueEmpties("laptop-4", run);
    }

    @Test
    @Requirement("D15")
    void aFileTheClientAlreadyHoldsIsNotStoredAgainButAcknowledged() throws Exception {
        Path offered = queue("laptop-5", "held.bin", 20_000, false);
        Path directory = clientDirectory();
        Path held = Files.copy(offered, directory.resolve("held.bin"));
        FileTime longAgo = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
        Files.setLastModifiedTime(held, longAgo);

        ClientCommand.Run run = run(server.address(), "laptop-5", directory);

        assertFinished(run, "laptop-5");
        assertThat(Files.getLastModifiedTime(held)).as("the modification time of held.bin, which the client held "
                + "with the same bytes before the offer: it was written again%s", run.said()).isEqualTo(longAgo);
        assertQueueEmpties("laptop-5", run);
    }

    /** The server offers the file under its cached hash after its bytes changed in place ({@link InPlaceChange}). */
    @Test
    @Requirement("D7")
    void aFileWhoseHashDoesNotMatchIsNeitherStoredNorAcknowledged() throws Exception {
        Path offered = queue("laptop-6", "changed.bin", HASH_CACHED_SIZE, false);
        try (RawUpdateConnection raw = RawUpdateConnection.open(server.address(), SuiteTimeouts.scaled(ACKED_WITHIN))) {
            raw.sendPoll("laptop-6");
            assertThat(raw.readHeader()).as("our server's offer to a raw poll, which makes it hash the file")
                    .isNotNull();
        } // leaving before the file was taken whole: the server keeps the hash
        InPlaceChange.flipOneByteKeepingSizeAndTime(offered, HASH_CACHED_SIZE / 2);
        Path directory = clientDirectory();

        ClientCommand.Run run = run(server.address(), "laptop-6", directory);

        assertFinished(run, "laptop-6");
        assertThat(directory).as("the client's directory after an offer whose bytes do not have the offered "
                + "file-hash: nothing stored, no temporary file left%s", run.said()).isEmptyDirectory();
        assertThat(offered).as("the file in the queue: without an ack it stays queued%s", run.said()).exists();
    }

    private void assertQueueEmpties(String id, ClientCommand.Run run) {
        Path queue = outbox.resolve(id);
        await().atMost(SuiteTimeouts.scaled(ACKED_WITHIN)).untilAsserted(() -> {
            assertThat(LeftFiles.names(queue))
                    .as("files still queued for %s after its run: the server removes a file only on its ack "
                            + "{\"client-id\": ..., \"request-type\": \"ack\", \"file-hash\": ...}%s",
                            id, run.said())
                    .isEmpty();
        });
    }
}
