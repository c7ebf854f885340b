package transferlab.grading.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import transferlab.grading.CheckRunExtension;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.ClientCommand;
import transferlab.testkit.TestFiles;
import transferlab.testkit.Requirement;
import transferlab.testkit.ServerUnderTest;

/**
 * Grades a student's ranged-download server and client together, through their command lines only,
 * for a course whose programs speak their own wire format (a look-alike of seed 000's):
 * <pre>
 *   ./transfer check ranged --pair --server-cmd "python3 server.py {port} {dir}" \
 *       --client-cmd "python3 client.py {address} {threads} {file} {ofile}"
 * </pre>
 * The server serves {@code {dir}}, which the suite fills; the client runs in a fresh directory of
 * its own, {@code {address}} being HOST:PORT of the student's server, {@code {file}} the file's
 * name, {@code {ofile}} an absolute path in the client's directory. Judged by effects: the file the
 * client leaves, byte for byte, over 1, 4 and {@link #MOST_THREADS} connections; what a missing
 * file leaves; two clients at once. Requirements P-R1 to P-R3 of resources/protocols/ranged.md.
 */
@ExtendWith(CheckRunExtension.class)
public final class RangedPairCheck {
    /**
     * The most connections asked for. Ten, as for a client alone ({@link RangedClientCheck}): seed
     * 000's client joins its parts with {@code cat dir/*}, which puts part 10 before part 2
     * (resources/interop.md), and a pair is graded on the seed's terms.
     */
    static final int MOST_THREADS = 10;

    private final CheckTarget target;
    @TempDir
    Path work;
    Path served;
    ServerUnderTest server;
    private int clients;

    public RangedPairCheck(CheckTarget target) {
        this.target = target;
    }

    @BeforeEach
    void startTheStudentsServer() throws IOException {
        served = Files.createDirectories(work.resolve("served"));
        writeRandom("big.bin", (1 << 20) + 7);
        writeRandom("small.bin", 3_001);
        writeRandom("other.bin", 500_000);
        server = target.startServer(served);
    }

    @AfterEach
    void stopTheStudentsServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Requirement("P-R1")
    void aFileArrivesByteIdenticalOverOneFourAndTheMostConnections() throws Exception {
        for (int threads : new int[] {1, 4, MOST_THREADS}) {
            ClientCommand.Invocation invocation = invocation("big.bin", threads);

            assertDownloaded(run(List.of(invocation)).get(0), invocation);
        }
        ClientCommand.Invocation small = invocation("small.bin", 4);
        assertDownloaded(run(List.of(small)).get(0), small);
    }

    @Test
    @Requirement("P-R2")
    void aMissingFileGivesAMessageAndNoFile() throws Exception {
        ClientCommand.Invocation invocation = invocation("no-such-file.bin", 4);

        ClientCommand.Run run = run(List.of(invocation)).get(0);

        ClientCommand.assertFinished(run, "downloading a file the server does not have", "");
        assertThat(run.output()).as("what the client printed for a file the server does not have (exit status %d)",
                run.exitStatus()).isNotBlank();
        assertThat(invocation.directory()).as("the client's directory after asking for a missing file%s",
                run.said()).isEmptyDirectory();
    }

    @Test
    @Requirement("P-R3")
    void twoClientsAtOnceBothGetTheirFiles() throws Exception {
        List<ClientCommand.Invocation> invocations = List.of(invocation("big.bin", 4), invocation("other.bin", 3));

        List<ClientCommand.Run> runs = run(invocations);

        for (int i = 0; i < invocations.size(); i++) {
            assertDownloaded(runs.get(i), invocations.get(i));
        }
    }

    private ClientCommand.Invocation invocation(String name, int threads) throws IOException {
        Path directory = Files.createDirectories(work.resolve("client-" + ++clients));
        InetSocketAddress address = server.address();
        return new ClientCommand.Invocation(Map.of(
                "address", List.of(address.getAddress().getHostAddress() + ":" + address.getPort()),
                "host", List.of(address.getAddress().getHostAddress()),
                "port", List.of(Integer.toString(address.getPort())),
                "threads", List.of(Integer.toString(threads)),
                "file", List.of(name),
                "ofile", List.of(directory.resolve(name).toString())), directory);
    }

    private List<ClientCommand.Run> run(List<ClientCommand.Invocation> invocations) throws Exception {
        return ClientCommand.runAll(target.clientCommand(), new ArrayList<>(invocations), target.logDirectory());
    }

    private void assertDownloaded(ClientCommand.Run run, ClientCommand.Invocation invocation) throws IOException {
        String name = invocation.placeholders().get("file").get(0);
        String threads = invocation.placeholders().get("threads").get(0);
        ClientCommand.assertFinished(run, "downloading " + name + " over " + threads + " connections", "");
        Path output = Path.of(invocation.placeholders().get("ofile").get(0));
        assertThat(output).as("OFILE after downloading %s over %s connections (exit status %d)%s", name, threads,
                run.exitStatus(), run.said()).isRegularFile();
        assertThat(TestFiles.sha256(output)).as("sha256 of %s as downloaded over %s connections: %d bytes served, "
                + "%d written%s", name, threads, Files.size(served.resolve(name)), Files.size(output), run.said())
                .isEqualTo(TestFiles.sha256(served.resolve(name)));
    }

    private void writeRandom(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(name.hashCode()).nextBytes(bytes);
        Files.write(served.resolve(name), bytes);
    }
}
