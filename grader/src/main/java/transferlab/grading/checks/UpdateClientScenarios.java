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
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import transferlab.grading.CheckRunExtension;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.ClientCommand;
import transferlab.testkit.TestFiles;

/**
 * What every grading of an update client does, whoever the server is: queue files in the outbox
 * ({@code <outbox>/<client-id>/}), run the client ({@code --client-cmd "... {host} {port} {id}
 * {dir}"}, {@code {dir}} the client's own fresh directory, which is also its working directory)
 * once, and judge it by the files it stored. The client must poll, take what is queued, and exit
 * (our {@code update-client --once}, the seed-style Python client). {@link UpdateClientCheck} runs
 * it against our reference server, {@link UpdatePairCheck} against the student's own.
 */
@ExtendWith(CheckRunExtension.class)
public abstract class UpdateClientScenarios {
    /** What is graded: the client command, alone or in a pair with the student's server. */
    final CheckTarget target;
    @TempDir
    Path work;
    Path outbox;
    /** The SHA-256 of each queued file, by "id/name": the server deletes a file once it is acknowledged. */
    private final Map<String, String> queued = new ConcurrentHashMap<>();
    private int clients;

    UpdateClientScenarios(CheckTarget target) {
        this.target = target;
    }

    /** Puts a file of {@code size} random bytes (text when {@code text}) into client {@code id}'s queue. */
    Path queue(String id, String name, int size, boolean text) throws IOException {
        Path directory = Files.createDirectories(outbox().resolve(id));
        byte[] bytes = new byte[size];
        Random random = new Random((id + name).hashCode());
        for (int i = 0; i < size; i++) {
            bytes[i] = text ? (byte) (i % 61 == 60 ? '\n' : 'a' + random.nextInt(26)) : (byte) random.nextInt(256);
        }
        Path file = Files.write(directory.resolve(name), bytes);
        queued.put(id + "/" + name, TestFiles.sha256(file));
        return file;
    }

    Path outbox() throws IOException {
        if (outbox == null) {
            outbox = Files.createDirectories(work.resolve("outbox"));
        }
        return outbox;
    }

    Path clientDirectory() throws IOException {
        return Files.createDirectories(work.resolve("client-" + ++clients));
    }

    /** The client's command line: {@code --client-cmd}. */
    String clientTemplate() {
        return target.clientCommand();
    }

    /** Runs the client once per (id, directory), all at once, and waits for all. */
    List<ClientCommand.Run> runAtOnce(InetSocketAddress server, List<String> ids, List<Path> directories)
            throws IOException, InterruptedException {
        List<ClientCommand.Invocation> invocations = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            invocations.add(new ClientCommand.Invocation(Map.of(
                    "host", List.of(server.getAddress().getHostAddress()),
                    "port", List.of(Integer.toString(server.getPort())),
                    "id", List.of(ids.get(i)),
                    "dir", List.of(directories.get(i).toString())), directories.get(i)));
        }
        return ClientCommand.runAll(clientTemplate(), invocations, target.logDirectory(), target.sandbox());
    }

    ClientCommand.Run run(InetSocketAddress server, String id, Path directory)
            throws IOException, InterruptedException {
        return runAtOnce(server, List.of(id), List.of(directory)).get(0);
    }

    /**
     * Runs the client again, as its poll interval would, while fewer than {@code queued} files are
     * stored and its last run stored something new: a seed-002 style pair delivers one file per poll.
     * At most one run per queued file. Returns the last run.
     */
    ClientCommand.Run pollUntilNothingNew(InetSocketAddress server, String id, Path directory, ClientCommand.Run first,
                                          int queued) throws IOException, InterruptedException {
        ClientCommand.Run last = first;
        long stored = visibleFiles(directory);
        for (int runs = 1; runs < queued && !last.timedOut() && stored < queued; runs++) {
            last = run(server, id, directory);
            long before = stored;
            stored = visibleFiles(directory);
            if (stored == before) {
                break;
            }
        }
        return last;
    }

    private static long visibleFiles(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.filter(path -> !path.getFileName().toString().startsWith(".")).count();
        }
    }

    static void assertFinished(ClientCommand.Run run, String id) {
        ClientCommand.assertFinished(run, "id " + id, ": it must poll, take what is queued and exit (as "
                + "update-client --once does)");
    }

    /** Client {@code id}'s directory holds each of {@code names} with the bytes queued, and no other visible file. */
    void assertStoredExactly(ClientCommand.Run run, String id, Path directory, List<String> names) throws IOException {
        assertFinished(run, id);
        try (var stored = Files.list(directory)) {
            assertThat(stored.map(path -> path.getFileName().toString()).filter(name -> !name.startsWith(".")))
                    .as("the files client %s stored, having %s queued (exit status %d)%s", id, names,
                            run.exitStatus(), run.said())
                    .containsExactlyInAnyOrderElementsOf(names);
        }
        for (String name : names) {
            assertThat(TestFiles.sha256(directory.resolve(name))).as("sha256 of %s as client %s stored it%s", name,
                    id, run.said()).isEqualTo(queued.get(id + "/" + name));
        }
    }
}
