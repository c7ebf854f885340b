package transferlab.grading.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.LeftFiles;
import transferlab.testkit.LoopbackPorts;
import transferlab.testkit.TcpProxy;
import transferlab.testkit.TrustedFtServer;
import transferlab.testkit.PrintableText;
import transferlab.testkit.TestFiles;
import transferlab.grading.CheckRunExtension;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.ClientCommand;
import transferlab.grading.SuiteRunner;

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
    /** The server's side: a temporary directory of its own, not beside the clients' directories. */
    @TempDir
    Path serverSide;
    /** The directory the server serves. */
    Path served;
    /**
     * Between the clients and the server, when set: runs against {@link #wireTarget} go through it,
     * and a run counts only if the client's request crossed it. The data connection, which the
     * server opens to the client, is not proxied: with our server ({@link #ours}) a fetched file
     * counts only if our server sent it whole over a data connection; in a pair it is judged by effects.
     */
    TcpProxy wire;
    InetSocketAddress wireTarget;
    /** Our own server when the client is graded alone; null in a pair (the student's server). */
    TrustedFtServer ours;
    private volatile boolean lastRunThroughWire;
    private volatile long upstreamBefore;
    private int clients;

    /** Where a test's notes go (a listing accepted with padding). */
    private TestReporter reporter;

    FtClientScenarios(CheckTarget target) {
        this.target = target;
    }

    @BeforeEach
    void keepTheReporter(TestReporter testReporter) {
        reporter = testReporter;
    }

    /** A file in the served directory, with {@code size} random bytes (text when {@code text}). */
    Path serve(String name, int size, boolean text) throws IOException {
        if (served == null) {
            served = Files.createDirectories(serverSide.resolve("served"));
        }
        byte[] bytes = new byte[size];
        Random random = new Random(name.hashCode());
        for (int i = 0; i < size; i++) {
            bytes[i] = text ? (byte) (i % 61 == 60 ? '\n' : 'a' + random.nextInt(26)) : (byte) random.nextInt(256);
        }
        return Files.write(served.resolve(name), bytes);
    }

    /** A served file of a pair: a copy of the instructor's sample, or generated. */
    Path serve(FtPairFiles.File file) throws IOException {
        if (file.sample() == null) {
            return serve(file.name(), file.size(), file.isText());
        }
        Path copy = serve(file.name(), 0, true);
        return Files.copy(file.sample(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** A fresh, empty working directory for one client run. */
    Path clientDirectory() throws IOException {
        return Files.createDirectories(work.resolve("client-" + ++clients));
    }

    /** {@code -l}, or {@code -g NAME}, run in {@code directory} against {@code server}. */
    ClientCommand.Invocation invocation(InetSocketAddress server, List<String> request, Path directory)
            throws IOException {
        int dataport = target.freePort();
        return new ClientCommand.Invocation(Map.of(
                "host", List.of(server.getAddress().getHostAddress()),
                "port", List.of(Integer.toString(server.getPort())),
                "request", request,
                "dataport", List.of(Integer.toString(dataport))), directory);
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
        lastRunThroughWire = wire != null && server.equals(wireTarget);
        if (lastRunThroughWire) {
            upstreamBefore = wire.bytesCarried(TcpProxy.Direction.UPSTREAM);
            server = wire.address();
        }
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

    /**
     * The listing the client printed names every file served (it may print more: a seed server lists
     * . and ..). Names padded with NULs or spaces (a C server's fixed-size buffer per name) are
     * accepted with a note; a listing that fails is quoted with its bytes escaped ({@code \0}).
     */
    void assertListed(ClientCommand.Run run, List<String> names) {
        assertFinished(run, "-l");
        if (run.output().lines().map(String::strip).toList().containsAll(names)) {
            return;
        }
        // What the client printed comes cleaned (GradedOutput): a NUL arrives as the four characters \x00.
        List<String> unpadded = Arrays.stream(run.output().split("(?:\n|\u0000|\\\\x00)+"))
                .map(String::strip).toList();
        if (unpadded.containsAll(names)) {
            reporter.publishEntry(SuiteRunner.PASS_NOTE, "the listing's names carry trailing NULs or spaces "
                    + "(a fixed-size buffer per name?), accepted; it printed: " + escaped(run.output(), 3));
            return;
        }
        List<String> missing = names.stream().filter(name -> !unpadded.contains(name)).toList();
        throw new AssertionError("the listing (-l) does not name " + missing + " of the served " + names
                + "; the client printed (exit status " + run.exitStatus() + ", bytes escaped):\n"
                + escaped(run.output(), 60).indent(4));
    }

    /**
     * The first {@code lines} lines of {@code output}, every control character but the line ends
     * escaped ({@link PrintableText}), a NUL as {@code \\0}, as C programmers write it.
     */
    static String escaped(String output, int lines) {
        List<String> all = output.lines().toList();
        StringBuilder text = new StringBuilder();
        for (String line : all.subList(0, Math.min(lines, all.size()))) {
            text.append(text.length() == 0 ? "" : "\n").append(PrintableText.of(line.replace("\\x00", "\u0000"))
                    .replace("\\u0000", "\\0"));
        }
        if (all.size() > lines) {
            text.append(String.format(Locale.ROOT, "%n(%d more lines)", all.size() - lines));
        }
        return all.isEmpty() ? "(nothing)" : text.toString();
    }

    /** After {@code -g NAME}, the client's directory holds NAME with exactly the served bytes. */
    void assertFetched(ClientCommand.Run run, String name, Path directory) throws IOException {
        assertFinished(run, "-g " + name);
        Path fetched = directory.resolve(name);
        assertThat(fetched).as("%s in the client's working directory after -g %s (exit status %d)%s", name, name,
                run.exitStatus(), run.said()).isRegularFile();
        Path original = served.resolve(name);
        if (lastRunThroughWire) {
            assertThat(wire.bytesCarried(TcpProxy.Direction.UPSTREAM)).as("bytes the client sent to the server "
                    + "over its control connection for -g %s: a file counts only if the client asked for it over "
                    + "its socket%s", name, run.said()).isGreaterThan(upstreamBefore);
        }
        if (ours != null) {
            assertThat(ours.timesSent(name)).as("times our server sent %s whole over a data connection: a file "
                    + "counts only if its bytes came over the client's socket%s", name, run.said()).isPositive();
        }
        assertThat(LeftFiles.sha256(fetched)).as("sha256 of %s as fetched: %d bytes served, %d fetched%s", name,
                Files.size(original), LeftFiles.size(fetched), run.said()).isEqualTo(TestFiles.sha256(original));
    }

    static void assertFinished(ClientCommand.Run run, String request) {
        ClientCommand.assertFinished(run, request, ": is it waiting for a data connection that never comes, or for "
                + "more bytes than were announced?");
    }

    /** -g of a name the client's directory already holds: the local file keeps its content. */
    void assertLocalFileKept(InetSocketAddress server) throws IOException, InterruptedException {
        assertLocalFileKept(server, "textfile-small");
    }

    /** The same for the served file {@code name}. */
    void assertLocalFileKept(InetSocketAddress server, String name) throws IOException, InterruptedException {
        Path directory = clientDirectory();
        Path mine = Files.writeString(directory.resolve(name), "the student's own notes\n");

        ClientCommand.Run run = run(server, get(name), directory);

        assertFinished(run, "-g " + name);
        // Read without following a link or opening a pipe the client may have put in its place.
        assertThat(new String(LeftFiles.read(mine), java.nio.charset.StandardCharsets.UTF_8))
                .as("the local %s after -g %s%s", name, name, run.said())
                .isEqualTo("the student's own notes\n");
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
