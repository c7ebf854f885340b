package transferlab.grading.program;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import transferlab.testkit.SuiteTimeouts;

/**
 * Runs of a student's client from {@code --client-cmd}, many at once. Each run gets its own
 * placeholder values ({@code {host}}, {@code {port}} and the protocol's own: {@code {file}},
 * {@code {request}}, {@code {id}}, {@code {ofile}}, ...) and its own working directory. Its
 * standard input gets a few empty lines, for clients that pause with {@code input()} as seed 004's
 * does; its output goes to a log that a failed verdict quotes. Each run is a process group of its
 * own ({@link ProcessGroup}, as a server from {@link CommandServer} is): when the run ends or times
 * out the whole group is killed, children it started late or left behind included.
 */
public final class ClientCommand {
    /** How long one client run may take (scaled by the timeout factor). */
    public static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    /** At most this much of a client's output is kept (a listing, a transcript, an error). */
    private static final int MAX_OUTPUT_BYTES = 1 << 16;
    private static final AtomicInteger STARTED = new AtomicInteger();

    /** One run to start: what its placeholders stand for (a value may be several words) and where it runs. */
    public record Invocation(Map<String, List<String>> placeholders, Path directory) {
    }

    /** How a run ended, and what it printed (standard output and error together). */
    public record Run(int exitStatus, boolean timedOut, String output) {
        /** "; the client printed: ..." for an assertion message, or nothing when it printed nothing. */
        public String said() {
            List<String> lines = output.lines().toList();
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - ProcessLogs.TAIL_LINES),
                    lines.size()));
            return tail.isBlank() ? "" : "; the client printed:\n" + tail.indent(4);
        }
    }

    private ClientCommand() {
    }

    /** The run ended by itself within {@link #RUN_TIMEOUT}; {@code hint} says what a stuck client often waits for. */
    public static void assertFinished(Run run, String doing, String hint) {
        org.assertj.core.api.Assertions.assertThat(run.timedOut())
                .as("the client (%s) was still running after %d s%s%s", doing,
                        SuiteTimeouts.scaled(RUN_TIMEOUT).toSeconds(), hint, run.said()).isFalse();
    }

    /** Protocol U: {@code {host} {port} {file}} (or {@code {name}}), run in the file's directory. */
    public static Invocation upload(InetSocketAddress server, Path file) {
        return new Invocation(Map.of(
                "host", List.of(server.getAddress().getHostAddress()),
                "port", List.of(Integer.toString(server.getPort())),
                "file", List.of(file.toAbsolutePath().toString()),
                "name", List.of(file.getFileName().toString())), file.toAbsolutePath().getParent());
    }

    /** Runs the upload client on each file at once, each in its box, and waits for all of them. */
    public static List<Run> runAll(String template, InetSocketAddress server, List<Path> files, Path logDirectory,
                                   Sandbox.Use sandbox) throws IOException, InterruptedException {
        return runAll(template, files.stream().map(file -> upload(server, file)).toList(), logDirectory, sandbox);
    }

    /** Starts every invocation at once (boxed as {@code --sandbox auto} would), then waits for all of them. */
    public static List<Run> runAll(String template, List<Invocation> invocations, Path logDirectory)
            throws IOException, InterruptedException {
        return runAll(template, invocations, logDirectory, Sandbox.Policy.DEFAULT.resolve());
    }

    /**
     * Starts every invocation at once, each in a box of its own whose only writable directory is the
     * invocation's, then waits for all of them (killing any still running at the deadline).
     */
    public static List<Run> runAll(String template, List<Invocation> invocations, Path logDirectory,
                                   Sandbox.Use sandbox) throws IOException, InterruptedException {
        List<Path> logs = new ArrayList<>();
        List<Process> processes = new ArrayList<>();
        for (Invocation invocation : invocations) {
            Path log = logDirectory.resolve("client-" + STARTED.incrementAndGet() + ".log");
            logs.add(log);
            processes.add(start(template, invocation, log, sandbox));
        }
        long deadline = System.nanoTime() + SuiteTimeouts.scaled(RUN_TIMEOUT).toNanos();
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            Process process = processes.get(i);
            boolean exited = process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            // The whole group, whether the run ended or timed out: a child it left behind dies with it.
            ProcessGroup.kill(process);
            if (!exited) {
                process.waitFor(5, TimeUnit.SECONDS);
            }
            runs.add(new Run(exited ? process.exitValue() : -1, !exited, read(logs.get(i))));
        }
        return runs;
    }

    /** Runs one invocation and waits for it. */
    public static Run runOne(String template, Invocation invocation, Path logDirectory)
            throws IOException, InterruptedException {
        return runAll(template, List.of(invocation), logDirectory).get(0);
    }

    /** Runs one invocation in its box and waits for it. */
    public static Run runOne(String template, Invocation invocation, Path logDirectory, Sandbox.Use sandbox)
            throws IOException, InterruptedException {
        return runAll(template, List.of(invocation), logDirectory, sandbox).get(0);
    }

    private static Process start(String template, Invocation invocation, Path log, Sandbox.Use sandbox)
            throws IOException {
        String command = CommandLineTemplate.fillWords(CommandLineTemplate.anchoredToGraderDirectory(template),
                invocation.placeholders());
        Process process = ProcessGroup.start(new ProcessBuilder(sandbox.command(command, invocation.directory(),
                List.of(invocation.directory())))
                .directory(invocation.directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile()));
        try (OutputStream in = process.getOutputStream()) {
            in.write("\n\n\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // The client does not read its input, and has exited already: its exit status tells.
        }
        return process;
    }

    private static String read(Path log) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        int length = Math.min(bytes.length, MAX_OUTPUT_BYTES);
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .decode(java.nio.ByteBuffer.wrap(bytes, 0, length)).toString();
    }
}
