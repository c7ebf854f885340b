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
 * Grades a student's ft server and client together, through their command lines only, for courses
 * where each student invents the control protocol (seed 003 fixes the command lines and the
 * transcript, not the bytes):
 * <pre>
 *   ./transfer check ft --pair --server-cmd "cd {dir} && ./ftserver {port}" \
 *       --client-cmd "python3 ftclient.py localhost {port} {request} {dataport}"
 * </pre>
 * The server is started over a directory the suite fills ({@code {dir}}), the client runs in a
 * fresh directory of its own, and both are judged by effects: the names the listing prints, the
 * files {@code -g} leaves. Requirements P-F1 to P-F6 of resources/protocols/ft.md: text files for
 * the core, as seed 003 asks; binary, empty and 1 MiB (P-F6) an extension. The names are the seed
 * transcript's and the kit's, or those of {@code --file-names} ({@link FtPairFiles}).
 */
public final class FtPairCheck extends FtClientScenarios {
    ServerUnderTest server;
    /** The kit's files, or the names and samples of {@code --file-names}. */
    final FtPairFiles files;

    public FtPairCheck(CheckTarget target) {
        super(target);
        files = FtPairFiles.of(target.fileNames());
    }

    @BeforeEach
    void startTheStudentsServer() throws IOException {
        for (FtPairFiles.File file : files.all()) {
            serve(file);
        }
        server = target.startServer(served);
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
    @Requirement("P-F1")
    void theListingNamesTheFilesOfTheServersDirectory() throws Exception {
        ClientCommand.Run run = run(server.address(), list(), clientDirectory());

        assertListed(run, files.names().stream().sorted().toList());
    }

    @Test
    @Requirement("P-F2")
    void getLeavesAByteIdenticalTextFile() throws Exception {
        assertEachFetched(files.text());
    }

    @Test
    @Requirement("P-F3")
    void aMissingFileGivesAMessageAndNoFile() throws Exception {
        assertMissingFileLeavesNothing(server.address());
    }

    @Test
    @Requirement("P-F4")
    void twoClientsAtOnceBothGetTheirFiles() throws Exception {
        Path first = clientDirectory();
        Path second = clientDirectory();
        String large = files.text().get(files.text().size() - 1).name();
        String small = files.text().get(0).name();

        List<ClientCommand.Run> runs = runAtOnce(server.address(), List.of(get(large), get(small)),
                List.of(first, second));

        assertFetched(runs.get(0), large, first);
        assertFetched(runs.get(1), small, second);
    }

    @Test
    @Requirement("P-F5")
    void aLocalFileOfTheSameNameIsLeftAlone() throws Exception {
        assertLocalFileKept(server.address(), files.text().get(0).name());
    }

    @Test
    @Requirement("P-F6")
    void getLeavesAByteIdenticalBinaryEmptyAndOneMebibyteFile() throws Exception {
        assertEachFetched(files.extension());
    }

    /** Each file, one {@code -g} after another, each into a fresh directory. */
    private void assertEachFetched(List<FtPairFiles.File> fetched) throws Exception {
        for (FtPairFiles.File file : fetched) {
            Path directory = clientDirectory();

            assertFetched(run(server.address(), get(file.name()), directory), file.name(), directory);
        }
    }
}
