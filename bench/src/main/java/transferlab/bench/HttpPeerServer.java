package transferlab.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * nginx serving the bench's files to the HTTP peers (curl, aria2c, axel), as in issue 12's measurements:
 * one worker, sendfile on, no access log, on a free port of 127.0.0.1, its configuration, pid file
 * and logs under {@code prefix} (never the system's), stopped by {@link #close}. With a rate, each
 * connection is held to it ({@code limit_rate}, per request, and each peer connection makes one).
 */
final class HttpPeerServer implements AutoCloseable {
    private static final long START_MILLIS = 10_000;
    /** How long nginx waits after each send under a rate limit, in whole milliseconds. */
    static final long RATE_LIMITED_SEND_MILLIS = 32;

    private final Process process;
    private final int port;

    private HttpPeerServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The running server, or null when nginx is not installed; {@code ratePerConnection} 0 for no limit. */
    static HttpPeerServer startIfPresent(Path root, Path prefix, long ratePerConnection)
            throws IOException, InterruptedException {
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
                "  server { listen 127.0.0.1:" + port + "; root " + root.toAbsolutePath() + ";",
                ratePerConnection > 0 ? "    limit_rate " + ratePerConnection + ";" : "",
                ratePerConnection > 0 ? "    sendfile_max_chunk " + rateLimitedChunk(ratePerConnection) + ";" : "",
                "  }",
                "}", ""));
        Process process = new ProcessBuilder(Bench.onPath("nginx").orElseThrow().toString(),
                "-p", prefix.toAbsolutePath().toString(), "-c", config.toAbsolutePath().toString(),
                // -e: the log of nginx's start too, before it reads the configuration, is ours, not /var/log's
                "-e", prefix.resolve("logs/error.log").toAbsolutePath().toString())
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

    /**
     * nginx's largest send under {@code limit_rate}: what sends RATE_LIMITED_SEND_MILLIS of the rate.
     * nginx waits after each send for its bytes' time in whole milliseconds, rounded down, and lets a
     * response run up to one second ahead of the rate. With small sends the rounding is large (64k
     * at 32 MiB/s waits 1 ms, not 1.95), so it runs that second ahead (128 MiB in 3.2 s, not 4);
     * with sends of exactly 32 ms there is nothing to round, and only the last send, which nothing
     * waits after, is early: by 32 ms at most. Our server is never early (see BlockSender).
     */
    static long rateLimitedChunk(long ratePerConnection) {
        return (ratePerConnection * RATE_LIMITED_SEND_MILLIS + 999) / 1000;
    }

    int port() {
        return port;
    }

    /** The master process; its worker is its child. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    @Override
    public void close() throws InterruptedException {
        BackgroundServer.stop(process);
    }
}
