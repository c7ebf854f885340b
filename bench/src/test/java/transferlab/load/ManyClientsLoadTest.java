package transferlab.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.stagetwo.StageTwoServer;
import transferlab.server.ServerLog;
import transferlab.storage.Hashes;
import transferlab.testkit.InProcessServer;
import transferlab.update.UpdateLimits;
import transferlab.update.UpdateServer;
import transferlab.upload.UploadLimits;

/**
 * A small run of the load generator {@link ManyClientsLoad} (the big ones are run by hand; see its
 * header), checking that its report tells the truth: 200 clients, all connected before any speaks,
 * against servers that hold at most 50, so exactly 50 are served and 150 refused as the protocol says.
 */
class ManyClientsLoadTest {
    private static final int CLIENTS = 200;
    private static final int HELD = 50;
    private static final int BYTES = 4096;

    @TempDir
    Path temp;

    @Test // U19: beyond --max-connections, "error busy"; every upload let in is stored intact
    void uploadsBeyondTheLimitAreCountedBusyAndEveryOtherIsStoredIntact() throws Exception {
        Path received = temp.resolve("received");
        ManyClientsLoad load = new ManyClientsLoad(ManyClientsLoad.Mode.UPLOAD, CLIENTS, BYTES);
        ManyClientsLoad.Report report;
        // The default per-address limit (64) stays: the generator sends at most 16 from each address.
        try (InProcessServer server = StageTwoServer.EVENT_LOOP.start(received,
                UploadLimits.defaults().withMaxConnections(HELD))) {
            report = load.run(server.address(), received);
        }
        assertThat(report.failures()).isEmpty();
        assertThat(report.intact()).isEqualTo(HELD);
        assertThat(report.refused()).isEqualTo(CLIENTS - HELD);
        try (Stream<Path> stored = Files.list(received)) {
            assertThat(stored.filter(file -> !file.getFileName().toString().startsWith("."))).hasSize(HELD)
                    .allSatisfy(file -> assertThat(Hashes.sha256Hex(file))
                            .isEqualTo(load.expectedHex(indexOf(file))));
        }
    }

    @Test // the generator's own check: a stored file that differs from what was sent is not intact
    void aStoredFileThatDiffersFromWhatWasSentIsReportedDamaged() throws Exception {
        Path received = temp.resolve("received");
        ManyClientsLoad load = new ManyClientsLoad(ManyClientsLoad.Mode.UPLOAD, 3, BYTES);
        try (InProcessServer server = StageTwoServer.EVENT_LOOP.start(received, UploadLimits.defaults())) {
            assertThat(load.run(server.address(), received).intact()).isEqualTo(3);
        }
        Files.write(received.resolve("load-1.bin"), new byte[BYTES]);
        assertThat(load.checkOnDisk(received, 1)).isEqualTo("stored file damaged");
        assertThat(load.checkOnDisk(received, 0)).isNull();
    }

    @Test // D14: beyond max-connections a poll is closed before any offer; D9: an acked file leaves its queue
    void pollsBeyondTheLimitAreClosedBeforeAnOfferAndEveryOtherGetsItsFileIntact() throws Exception {
        Path outbox = temp.resolve("outbox");
        ManyClientsLoad load = new ManyClientsLoad(ManyClientsLoad.Mode.POLL, CLIENTS, BYTES);
        load.queueFiles(outbox);
        // The default per-address limit (64) stays: the generator sends at most 16 from each address.
        UpdateServer update = UpdateServer.bind(new InetSocketAddress("127.0.0.1", 0), outbox,
                UpdateLimits.defaults().withMaxConnections(HELD), ServerLog.silent());
        ManyClientsLoad.Report report;
        try (InProcessServer server = InProcessServer.serve("update", outbox, update.address(), update::serve,
                update)) {
            report = load.run(server.address(), outbox);
        }
        assertThat(report.failures()).isEmpty();
        assertThat(report.intact()).isEqualTo(HELD);
        assertThat(report.refused()).isEqualTo(CLIENTS - HELD);
        long stillQueued;
        try (Stream<Path> queues = Files.list(outbox)) {
            stillQueued = queues.filter(queue -> !isEmpty(queue)).count();
        }
        assertThat(stillQueued).isEqualTo(CLIENTS - HELD);
    }

    private static int indexOf(Path stored) {
        return Integer.parseInt(stored.getFileName().toString().replaceAll("\\D", ""));
    }

    private static boolean isEmpty(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.findAny().isEmpty();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
