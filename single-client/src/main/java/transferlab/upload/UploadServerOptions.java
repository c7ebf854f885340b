package transferlab.upload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;
import transferlab.cli.Ports;
import transferlab.cli.Seconds;
import transferlab.server.ServerLog;
import transferlab.storage.IncomingFile;

/**
 * The options every upload server shares, stage 1's and stage 2's, as one picocli mixin so that
 * each limit has one name, one default and one help text.
 */
public final class UploadServerOptions {
    @Option(names = "--port", paramLabel = "P", converter = Ports.class,
            description = "port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE})")
    public int port = UploadProtocol.DEFAULT_PORT;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "address to listen on (default: ${DEFAULT-VALUE}, every interface)")
    public String bind = "0.0.0.0";

    @Option(names = "--dir", paramLabel = "DIR",
            description = "where received files are stored (default: ${DEFAULT-VALUE})")
    public Path dir = Path.of("received");

    @Option(names = "--max-size", paramLabel = "BYTES",
            description = "largest upload accepted; larger ones are refused before any content (default: "
                    + "${DEFAULT-VALUE})")
    public long maxSize = UploadLimits.DEFAULT_MAX_CONTENT_BYTES;

    @Option(names = "--header-settle", paramLabel = "SECONDS", converter = Seconds.class,
            description = "wait this long after the last header byte for more of the name; 0 trusts one read "
                    + "(default: 0.05)")
    public Duration headerSettle = UploadLimits.DEFAULT_HEADER_SETTLE;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", converter = Seconds.class,
            description = "close a client that sends nothing for this long (default: 30)")
    public Duration idleTimeout = UploadLimits.DEFAULT_IDLE_TIMEOUT;

    @Option(names = "--deadline", paramLabel = "SECONDS", converter = Seconds.class,
            description = "longest time one upload may take (default: 900)")
    public Duration deadline = UploadLimits.DEFAULT_TRANSFER_DEADLINE;

    /**
     * Deletes the temporary files a killed server left in DIR (U10) and logs each one: those of our
     * own naming ({@code .<uuid>.part}) that nobody wrote for longer than the idle timeout, so a
     * second server on the same directory never loses a live upload.
     */
    public void removeStaleTemporaryFiles(ServerLog log) throws IOException {
        Files.createDirectories(dir);
        for (String name : IncomingFile.removeStale(dir, idleTimeout)) {
            log.info("removed " + name + ", a temporary file left by a server stopped mid-upload");
        }
    }

    public UploadLimits limits(int maxConnections) {
        return new UploadLimits(maxSize, headerSettle, idleTimeout, deadline, maxConnections,
                UploadLimits.DEFAULT_MAX_PER_ADDRESS);
    }
}
