package transferlab.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import transferlab.eventloop.EventLoopUploadServer;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;
import transferlab.server.TcpServer;
import transferlab.testkit.RawUploadClient;
import transferlab.testkit.Requirement;

/**
 * U17, one behaviour for every upload server: when the disk fails before "go ahead" (here the
 * served directory is gone, so no temporary file can be created in it), every mode answers
 * {@code error storage: …} in place of "go ahead", never a silent close, and serves the next
 * client once the directory is back (U14). The blocking handler and the event loop share the disk
 * steps and their answers ({@link UploadStorage}); stage 1's handler once let an I/O error while
 * placing the name end the connection without a word, where the event loop answered it.
 */
class StorageRefusalTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    @TempDir
    Path parent;

    interface Starter {
        TcpServer bind(Path directory, UploadLimits limits) throws IOException;
    }

    static Stream<Object[]> servers() {
        ServerLog log = ServerLog.silent();
        return Stream.of(
                new Object[] {"iterative (stage 1)", (Starter) (dir, limits) ->
                        IterativeServer.bind(ANY_PORT, UploadHandler.into(dir, limits, log), log)},
                new Object[] {"thread-per-client", (Starter) (dir, limits) ->
                        UploadServers.threadPerClient(ANY_PORT, dir, limits, log)},
                new Object[] {"pool", (Starter) (dir, limits) -> UploadServers.pool(ANY_PORT, dir, limits, log)},
                new Object[] {"event-loop", (Starter) (dir, limits) ->
                        EventLoopUploadServer.bind(ANY_PORT, dir, limits, log)});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    @Requirement({"U17", "U14"})
    void aDiskThatFailsBeforeGoAheadIsAnsweredErrorStorageInEveryModeAndTheServerGoesOn(String kind, Starter starter)
            throws Exception {
        Path directory = Files.createDirectory(parent.resolve("received"));
        try (TcpServer server = starter.bind(directory, UploadLimits.defaults())) {
            server.serveInBackground("storage-refusal-" + kind);
            Path away = Files.move(directory, parent.resolve("moved-away"));

            try (RawUploadClient client = RawUploadClient.connect(server.address())) {
                client.send(RawUploadClient.header(10, "notes.txt"));
                assertThat(client.readAnswer()).isEqualTo("error storage: cannot create a file for 'notes.txt' "
                        + "(NoSuchFileException)\n").doesNotContain(parent.toString());
                assertThat(client.serverClosed()).isTrue();
            }
            Files.move(away, directory);
            assertThat(namesIn(parent)).containsExactly("received");
            assertThat(namesIn(directory)).as("no file, no temporary file").isEmpty();

            // U14: the next client is served as if nothing had happened.
            try (RawUploadClient client = RawUploadClient.connect(server.address())) {
                client.send(RawUploadClient.header(5, "next.txt"));
                assertThat(client.readAnswer()).isEqualTo("go ahead");
                client.send("hello".getBytes(StandardCharsets.US_ASCII));
                assertThat(client.readLine()).startsWith("ok ");
            }
            assertThat(directory.resolve("next.txt")).hasContent("hello");
        }
    }

    private static List<String> namesIn(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
