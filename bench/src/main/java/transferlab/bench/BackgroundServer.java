package transferlab.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of our servers started as a process for the bench, ready once it prints
 * {@code listening on HOST:PORT} (every server command of the project does). Closing it ends the process.
 */
final class BackgroundServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on .*:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;

    private BackgroundServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static BackgroundServer start(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(new File("/dev/null")).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> readOutput(process, port), "bench-server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new BackgroundServer(process, port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("the server did not say 'listening on' within " + START_TIMEOUT.toSeconds()
                    + " s: " + String.join(" ", command) + " (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + command, e);
        }
    }

    /**
     * Finds the port in the output, then keeps reading (and dropping) so that the server never blocks on a full pipe.
     */
    private static void readOutput(Process process, CompletableFuture<Integer> port) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder said = new StringBuilder();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                Matcher listening = LISTENING.matcher(line);
                if (!port.isDone() && listening.find()) {
                    port.complete(Integer.parseInt(listening.group(1)));
                } else if (!port.isDone() && said.length() < 2000) {
                    said.append(line).append('\n');
                }
            }
            port.completeExceptionally(new IOException("it exited saying: " + said.toString().strip()));
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
    }

    int port() {
        return port;
    }

    /** The server's process, to read its CPU time from. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    @Override
    public void close() throws InterruptedException {
        stop(process);
    }

    /** Asks a server process to end (SIGTERM), and forces it after 10 s. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
