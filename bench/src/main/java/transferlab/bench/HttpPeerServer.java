package transferlab.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * nginx serving the bench's files to the HTTP peers (curl, aria2c, axel), as in issue 12's measurements:
 * one worker, sendfile on, no access log, on a free port of 127.0.0.1, its files under {@code prefix}.
 */
final class HttpPeerServer implements AutoCloseable {
    private static final long START_MILLIS = 10_000;

    private final Process process;
    private final int port;

    private HttpPeerServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The running server, or null when nginx is not installed. */
    static HttpPeerServer startIfPresent(Path root, Path prefix) throws IOException, InterruptedException {
        if (Bench.onPath("nginx").isEmpty()) {
            return null;
        }
        Files.createDirectories(prefix.resolve("logs"));
        int port = Bench.freePort();
        Path config = prefix.resolve("nginx.conf");
        Files.writeString(config, String.join("\n",
                "daemon off;",
                // as root, nginx's workers would drop to 'nobody', who cannot read a private temporary directory
                "root".equals(System.getProperty("user.name")) ? "user root;" : "",
                "worker_processes 1;",
                "pid " + prefix.resolve("nginx.pid") + ";",
                "error_log " + prefix.resolve("logs/error.log") + ";",
                "events { worker_connections 256; }",
                "http {",
                "  access_log off;",
                "  sendfile on;",
                "  default_type application/octet-stream;",
                "  server { listen 127.0.0.1:" + port + "; root " + root.toAbsolutePath() + "; }",
                "}", ""));
        Process process = new ProcessBuilder(Bench.onPath("nginx").orElseThrow().toString(),
                "-p", prefix.toAbsolutePath().toString(), "-c", config.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile())
                .redirectInput(new File("/dev/null")).start();
        HttpPeerServer server = new HttpPeerServer(process, port);
        long deadline = System.currentTimeMillis() + START_MILLIS;
        while (!Bench.accepts(port)) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                server.close();
                throw new IOException("nginx did not start on port " + port + "; see " + prefix.resolve("logs"));
            }
            Thread.sleep(20);
        }
        return server;
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        BackgroundServer.stop(process);
    }
}
