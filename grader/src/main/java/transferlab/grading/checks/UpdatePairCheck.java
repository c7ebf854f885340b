package transferlab.grading.checks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import transferlab.testkit.Requirement;
import transferlab.testkit.ServerUnderTest;
import transferlab.testkit.TcpProxy;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.ClientCommand;

/**
 * Grades a student's update server and client together, through their command lines only, for
 * courses whose real programs differ from seed 002's README on the wire:
 * <pre>
 *   ./transfer check update --pair --server-cmd "python3 server.py {port} {dir}" \
 *       --client-cmd "python3 client.py {host} {port} {id} {dir}"
 * </pre>
 * In the server command {@code {dir}} is the outbox: the queue of client ID is {@code {dir}/ID/},
 * filled by the suite before the server starts. In the client command {@code {dir}} is the client's
 * own fresh directory; the client must poll, take what is queued, and exit. A client that takes one
 * file per poll (seed 002's own programs) is run again while each run stores something new, as its
 * poll interval would. Judged by the files stored: requirements P-D1 to P-D3 of
 * resources/protocols/update.md.
 */
public final class UpdatePairCheck extends UpdateClientScenarios {
    ServerUnderTest server;

    public UpdatePairCheck(CheckTarget target) {
        super(target);
    }

    @BeforeEach
    void queueFilesAndStartTheStudentsServer() throws IOException {
        queue("alice", "notes.txt", 5_000, true);
        queue("alice", "patch.bin", 70_000, false);
        queue("alice", "empty.txt", 0, false);
        queue("alice", "image-1MiB.bin", 1 << 20, false);
        queue("bob", "bob-1.txt", 3_000, true);
        queue("bob", "bob-2.bin", 50_000, false);
        queue("carol", "carol.bin", 60_000, false);
        server = target.startServer(outbox());
        // The client reaches the server through the grader's proxy ({port} is the proxy's): judged by the wire.
        wireTarget = server.address();
        wire = target.recordingProxyTo(wireTarget); // --client-port, --port-range
    }

    @AfterEach
    void stopTheStudentsServer() {
        if (wire != null) {
            wire.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Requirement("P-D1")
    void everyQueuedFileArrivesByteIdenticalTextBinaryEmptyAndOneMebibyte() throws Exception {
        Path directory = clientDirectory();
        List<String> queued = List.of("notes.txt", "patch.bin", "empty.txt", "image-1MiB.bin");

        ClientCommand.Run run = pollUntilNothingNew(server.address(), "alice", directory,
                run(server.address(), "alice", directory), queued.size());

        assertStoredExactly(run, "alice", directory, queued);
    }

    @Test
    @Requirement("P-D2")
    void twoClientsAtOnceEachReceiveExactlyTheirOwnFiles() throws Exception {
        Path bob = clientDirectory();
        Path carol = clientDirectory();

        List<ClientCommand.Run> runs = runAtOnce(server.address(), List.of("bob", "carol"), List.of(bob, carol));

        assertStoredExactly(pollUntilNothingNew(server.address(), "bob", bob, runs.get(0), 2), "bob", bob,
                List.of("bob-1.txt", "bob-2.bin"));
        assertStoredExactly(pollUntilNothingNew(server.address(), "carol", carol, runs.get(1), 1), "carol", carol,
                List.of("carol.bin"));
    }

    @Test
    @Requirement("P-D3")
    void aClientWithNothingQueuedStoresNothingAndFinishes() throws Exception {
        Path directory = clientDirectory();

        assertStoredExactly(run(server.address(), "dave", directory), "dave", directory, List.of());
    }
}
