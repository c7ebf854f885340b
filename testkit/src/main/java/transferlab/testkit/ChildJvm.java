package transferlab.testkit;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One of our programs in a JVM of its own, for what a test cannot do to its own JVM: stop it with
 * SIGTERM (its shutdown hooks run), or start it under lower resource limits ({@code prlimit}). Its
 * standard output and error are collected line by line; every wait is bounded.
 */
public final class ChildJvm implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        Thread reader = new Thread(this::collect, "child-jvm-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Runs {@code mainClass} with this test's class path; {@code prefix} (say, prlimit and its options) goes first. */
    public static ChildJvm start(List<String> prefix, Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A small, quickly started JVM: these children live for a second or two.
        command.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    public static ChildJvm start(Class<?> mainClass, String... args) throws IOException {
        return start(List.of(), mainClass, args);
    }

    /** Waits for a line of output that {@code matches}, and returns it. */
    public String awaitLine(Predicate<String> matches) {
        await().atMost(WAIT).until(() -> lines.stream().anyMatch(matches) || !process.isAlive());
        return lines.stream().filter(matches).findFirst()
                .orElseThrow(() -> new AssertionError("the child exited without the line; it printed " + lines));
    }

    /** The port from a server's {@code listening on HOST:PORT} line. */
    public int awaitListeningPort() {
        String line = awaitLine(text -> text.startsWith("listening on "));
        return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
    }

    /** Sends SIGTERM, as {@code kill PID} or a service manager does, and returns the exit status. */
    public int terminate() throws InterruptedException {
        process.destroy();
        return waitForExit();
    }

    /** Waits for the child to end by itself, and returns its exit status. */
    public int waitForExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child did not exit within " + WAIT + "; it printed " + lines);
        }
        return process.exitValue();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    private void collect() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(reading the child's output failed: " + e + ")");
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
