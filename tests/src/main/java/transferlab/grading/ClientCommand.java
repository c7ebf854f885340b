package transferlab.grading;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import transferlab.testkit.SuiteTimeouts;

/**
 * One run of a student's client from {@code --client-cmd}: {@code {host}} and {@code {port}} are
 * our reference server's, {@code {file}} the absolute path of the file to send (the client runs in
 * that file's directory, so {@code {file}} may also be given as its bare name, {@code {name}}).
 * Its standard input gets a few empty lines, for clients that pause with {@code input()} as seed
 * 004's does; its output goes to a log whose tail a failed verdict shows.
 */
final class ClientCommand {
    /** How long one client run may take (scaled by the timeout factor). */
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger STARTED = new AtomicInteger();

    /** How a run ended. */
    record Run(int exitStatus, boolean timedOut, String output) {
    }

    private ClientCommand() {
    }

    static Process start(String template, InetSocketAddress server, Path file, Path logDirectory, Path log)
            throws IOException {
        String command = CommandLineTemplate.fill(template, Map.of(
                "host", server.getHostString(),
                "port", Integer.toString(server.getPort()),
                "file", file.toAbsolutePath().toString(),
                "name", file.getFileName().toString()));
        Process process = new ProcessBuilder("/bin/sh", "-c", command)
                .directory(file.toAbsolutePath().getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try (OutputStream in = process.getOutputStream()) {
            in.write("\n\n\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // The client does not read its input, and has exited already: its exit status tells.
        }
        return process;
    }

    /** Runs the client on each file at once and waits for all of them. */
    static List<Run> runAll(String template, InetSocketAddress server, List<Path> files, Path logDirectory)
            throws IOException, InterruptedException {
        List<Path> logs = files.stream()
                .map(file -> logDirectory.resolve("client-" + STARTED.incrementAndGet() + ".log"))
                .toList();
        List<Process> processes = new java.util.ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            processes.add(start(template, server, files.get(i), logDirectory, logs.get(i)));
        }
        long deadline = System.nanoTime() + SuiteTimeouts.scaled(RUN_TIMEOUT).toNanos();
        List<Run> runs = new java.util.ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            Process process = processes.get(i);
            boolean exited = process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!exited) {
                List<ProcessHandle> children = process.descendants().toList();
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(5, TimeUnit.SECONDS);
            }
            runs.add(new Run(exited ? process.exitValue() : -1, !exited,
                    ProcessLogs.tail(logs.get(i), ProcessLogs.TAIL_LINES)));
        }
        return runs;
    }
}
