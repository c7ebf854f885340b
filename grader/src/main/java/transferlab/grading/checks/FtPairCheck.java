package transferlab.grading.checks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import transferlab.testkit.Requirement;
import transferlab.testkit.ServerUnderTest;
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
 * files {@code -g} leaves. Requirements P-F1 to P-F5 of resources/protocols/ft.md.
 */
public final class FtPairCheck extends FtClientScenarios {
    ServerUnderTest server;

    public FtPairCheck(CheckTarget target) {
        super(target);
    }

    @BeforeEach
    void startTheStudentsServer() throws IOException {
        serve("textfile-small", 200, true);
        serve("textfile-large", 300_000, true);
        serve("binary.bin", 70_000, false);
        serve("binary-1MiB.bin", 1 << 20, false);
        serve("empty.txt", 0, false);
        server = target.startServer(served);
    }

    @AfterEach
    void stopTheStudentsServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Requirement("P-F1")
    void theListingNamesTheFilesOfTheServersDirectory() throws Exception {
        ClientCommand.Run run = run(server.address(), list(), clientDirectory());

        assertListed(run, List.of("binary-1MiB.bin", "binary.bin", "empty.txt", "textfile-large", "textfile-small"));
    }

    @Test
    @Requirement("P-F2")
    void getLeavesAByteIdenticalFileTextBinaryEmptyAndOneMebibyte() throws Exception {
        for (String name : List.of("textfile-small", "textfile-large", "binary.bin", "empty.txt", "binary-1MiB.bin")) {
            Path directory = clientDirectory();

            assertFetched(run(server.address(), get(name), directory), name, directory);
        }
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

        List<ClientCommand.Run> runs = runAtOnce(server.address(),
                List.of(get("textfile-large"), get("binary-1MiB.bin")), List.of(first, second));

        assertFetched(runs.get(0), "textfile-large", first);
        assertFetched(runs.get(1), "binary-1MiB.bin", second);
    }

    @Test
    @Requirement("P-F5")
    void aLocalFileOfTheSameNameIsLeftAlone() throws Exception {
        assertLocalFileKept(server.address());
    }
}
