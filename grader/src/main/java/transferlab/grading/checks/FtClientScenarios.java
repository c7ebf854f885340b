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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.TestFiles;
import transferlab.testkit.LoopbackPorts;
import transferlab.grading.CheckRunExtension;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.ClientCommand;

/**
 * What every grading of an ft client does, whoever the server is: fill the served directory, run
 * the client ({@code --client-cmd "... {host} {port} {request} {dataport}"}, {@code {request}} being
 * {@code -l} or {@code -g NAME}) in a fresh directory of its own, and judge it by its effects: the
 * names it printed, the files it left. {@link FtClientCheck} runs it against our reference server,
 * {@link FtPairCheck} against the student's own server.
 */
@ExtendWith(CheckRunExtension.class)
public abstract class FtClientScenarios {
    /** What is graded: the client command, alone or in a pair with the student's server. */
    final CheckTarget target;
    @TempDir
    Path work;
    /** The directory the server serves. */
    Path served;
    private int clients;

    FtClientScenarios(CheckTarget target) {
        this.target = target;
    }

    /** A file in the served directory, with {@code size} random bytes (text when {@code text}). */
    Path serve(String name, int size, boolean text) throws IOException {
        if (served == null) {
            served = Files.createDirectories(work.resolve("served"));
        }
        byte[] bytes = new byte[size];
        Random random = new Random(name.hashCode());
        for (int i = 0; i < size; i++) {
            bytes[i] = text ? (byte) (i % 61 == 60 ? '\n' : 'a' + random.nextInt(26)) : (byte) random.nextInt(256);
        }
        return Files.write(served.resolve(name), bytes);
    }

    /** A fresh, empty working directory for one client run. */
    Path clientDirectory() throws IOException {
        return Files.createDirectories(work.resolve("client-" + ++clients));
    }

    /** {@code -l}, or {@code -g NAME}, run in {@code directory} against {@code server}. */
    static ClientCommand.Invocation invocation(InetSocketAddress server, List<String> request, Path directory)
            throws IOException {
        return new ClientCommand.Invocation(Map.of(
                "host", List.of(server.getAddress().getHostAddress()),
                "port", List.of(Integer.toString(server.getPort())),
                "request", request,
                "dataport", List.of(Integer.toString(LoopbackPorts.free()))), directory);
    }

    static List<String> get(String name) {
        return List.of("-g", name);
    }

    static List<String> list() {
        return List.of("-l");
    }

    /** Runs the client once per (request, directory), all at once, and waits for all. */
    List<ClientCommand.Run> runAtOnce(InetSocketAddress server, List<List<String>> requests, List<Path> directories)
            throws IOException, InterruptedException {
        List<ClientCommand.Invocation> invocations = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            invocations.add(invocation(server, requests.get(i), directories.get(i)));
        }
        return ClientCommand.runAll(clientTemplate(), invocations, target.logDirectory(), target.sandbox());
    }

    ClientCommand.Run run(InetSocketAddress server, List<String> request, Path directory)
            throws IOException, InterruptedException {
        return runAtOnce(server, List.of(request), List.of(directory)).get(0);
    }

    /** The client's command line: {@code --client-cmd}. */
    String clientTemplate() {
        return target.clientCommand();
    }

    /** The listing the client printed names every file served (it may print more: a seed server lists . and ..). */
    static void assertListed(ClientCommand.Run run, List<String> names) {
        assertFinished(run, "-l");
        assertThat(run.output().lines().map(String::strip).toList())
                .as("the lines the client printed for -l; the served directory holds %s%s", names, run.said())
                .containsAll(names);
    }

    /** After {@code -g NAME}, the client's directory holds NAME with exactly the served bytes. */
    void assertFetched(ClientCommand.Run run, String name, Path directory) throws IOException {
        assertFinished(run, "-g " + name);
        Path fetched = directory.resolve(name);
        assertThat(fetched).as("%s in the client's working directory after -g %s (exit status %d)%s", name, name,
                run.exitStatus(), run.said()).isRegularFile();
        Path original = served.resolve(name);
        assertThat(TestFiles.sha256(fetched)).as("sha256 of %s as fetched: %d bytes served, %d fetched%s", name,
                Files.size(original), Files.size(fetched), run.said()).isEqualTo(TestFiles.sha256(original));
    }

    static void assertFinished(ClientCommand.Run run, String request) {
        ClientCommand.assertFinished(run, request, ": is it waiting for a data connection that never comes, or for "
                + "more bytes than were announced?");
    }

    /** -g of a name the client's directory already holds: the local file keeps its content. */
    void assertLocalFileKept(InetSocketAddress server) throws IOException, InterruptedException {
        Path directory = clientDirectory();
        Path mine = Files.writeString(directory.resolve("textfile-small"), "the student's own notes\n");

        ClientCommand.Run run = run(server, get("textfile-small"), directory);

        assertFinished(run, "-g textfile-small");
        assertThat(mine).as("the local textfile-small after -g textfile-small%s", run.said())
                .hasContent("the student's own notes\n");
    }

    /** -g of a file the server does not have: a message, and nothing in the client's directory. */
    ClientCommand.Run assertMissingFileLeavesNothing(InetSocketAddress server)
            throws IOException, InterruptedException {
        Path directory = clientDirectory();

        ClientCommand.Run run = run(server, get("no-such-file.txt"), directory);

        assertFinished(run, "-g no-such-file.txt");
        assertThat(run.output()).as("what the client printed for a file the server does not have").isNotBlank();
        assertThat(directory).as("the client's directory after -g of a missing file%s", run.said())
                .isEmptyDirectory();
        return run;
    }
}
