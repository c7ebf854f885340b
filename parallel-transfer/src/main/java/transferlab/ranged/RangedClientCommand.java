package transferlab.ranged;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.cli.Seconds;

/**
 * Stage 3's client: downloads one file over N connections and checks its MD5 (protocol R, seed 000's
 * {@code client.py address threads file ofile}).
 *
 * <pre>
 *   $ ./transfer ranged-client 127.0.0.1:8000 4 big.bin copy.bin
 *   downloaded big.bin (268435456 bytes) over 4 connections in 0.61 s, 440 MB/s
 *   md5 9e107d9d372bb6826bd81d3542a419d6  (matches the server's)
 * </pre>
 * On a terminal it shows a bar per block (up to 16) and a total, erased when the download ends.
 * Exit status: 0 the file is intact in OFILE; 1 it is not (MD5 mismatch, server gone, an HTTP
 * error, larger than --max-size), and neither OFILE nor a temporary file is left (nor after
 * SIGTERM or Ctrl-C); 2 usage error.
 * FILE goes to the server as given ({@code big.bin}, {@code /big.bin} or an absolute path), as the
 * seed's client sends it; a server that does not say the size (the seed's) works too.
 */
@Command(name = "ranged-client", mixinStandardHelpOptions = true,
        description = "Download FILE from a ranged-server over THREADS connections into OFILE and check its MD5.",
        footer = {"", "Example:", "  ./transfer ranged-client 127.0.0.1:8000 4 big.bin copy.bin"})
public final class RangedClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADDRESS", converter = HostPort.class,
            description = "the server's control address, HOST:PORT")
    InetSocketAddress server;

    /** The seed's name for it; our client opens this many connections and asks for K blocks on each. */
    @Parameters(index = "1", paramLabel = "THREADS", description = "connections to use, 1 to 255")
    int connections;

    @Parameters(index = "2", paramLabel = "FILE",
            description = "the file's path on the server, sent as given: name, /name or an absolute path")
    String file;

    @Parameters(index = "3", paramLabel = "OFILE", description = "where to save it (replaced if it exists)")
    Path output;

    @Option(names = "--timeout", paramLabel = "S", converter = Seconds.class,
            description = "give up on a connection silent this long (default: 30)")
    Duration timeout = RangedClient.DEFAULT_IDLE_TIMEOUT;

    @Option(names = "--retries", paramLabel = "N",
            description = "ask again for a broken block at most N times (default: ${DEFAULT-VALUE})")
    int retries = RangedClient.DEFAULT_RETRIES_PER_BLOCK;

    @Option(names = "--max-size", paramLabel = "BYTES",
            description = "refuse a file larger than this, before or while it comes (default: ${DEFAULT-VALUE},"
                    + " the servers' own default)")
    long maxSize = RangedClient.DEFAULT_MAX_SIZE;

    @Option(names = "--blocks-per-connection", paramLabel = "K",
            description = "ask for K blocks per connection (at most 255 in all), taken in order, so that the MD5"
                    + " keeps up with the download (default: ${DEFAULT-VALUE}; 1 is the seed's one block each)")
    int blocksPerConnection = RangedClient.DEFAULT_BLOCKS_PER_CONNECTION;

    @Override
    public Integer call() throws Exception {
        if (connections < RangedProtocol.MIN_BLOCKS || connections > RangedProtocol.MAX_BLOCKS) {
            throw new ParameterException(spec.commandLine(), "THREADS must be 1 to 255 (one byte names a block), was "
                    + connections);
        }
        if (retries < 0) {
            throw new ParameterException(spec.commandLine(), "--retries must be 0 or more, was " + retries);
        }
        if (Files.isDirectory(output)) {
            throw new ParameterException(spec.commandLine(), "OFILE '" + output + "' is a directory; name a file");
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new ParameterException(spec.commandLine(), "OFILE '" + output + "': the directory " + parent
                    + " does not exist");
        }
        if (maxSize < 0) {
            throw new ParameterException(spec.commandLine(), "--max-size must be 0 or more, was " + maxSize);
        }
        if (blocksPerConnection < 1) {
            throw new ParameterException(spec.commandLine(), "--blocks-per-connection must be 1 or more, was "
                    + blocksPerConnection);
        }
        RangedClient client = new RangedClient(timeout, retries, maxSize, blocksPerConnection);
        // SIGTERM and Ctrl-C run shutdown hooks: the hidden temporary files go with the process (R15).
        Thread cleanup = new Thread(client::removeTemporaryFiles, "ranged-client-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        DownloadResult result;
        try {
            result = client.download(server, file, connections, output);
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        System.out.printf("downloaded %s (%d bytes) over %d connections in %.2f s, %.0f MB/s%s%n", file,
                result.size(), connections, result.nanos() / 1e9, result.megabytesPerSecond(),
                result.retries() > 0 ? " (" + result.retries() + " blocks asked for again)" : "");
        System.out.println("md5 " + result.md5() + "  (matches the server's)");
        return CommandRunner.OK;
    }

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new RangedClientCommand(), args));
    }
}
