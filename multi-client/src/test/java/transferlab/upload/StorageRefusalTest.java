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
 * U17, one behaviour for every upload server: a name the server cannot place in its directory
 * because checking it fails with an I/O error (here a symbolic link to itself, whose real path
 * cannot be found) is answered {@code error storage: …} in place of "go ahead", as a file that
 * cannot be created is. Stage 1's blocking handler once let that error end the connection without
 * a word while the event loop answered it; both now go through {@link UploadStorage}.
 */
class StorageRefusalTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    @TempDir
    Path received;

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
    void aNameThatCannotBePlacedIsRefusedWithErrorStorageAndTheServerGoesOn(String kind, Starter starter)
            throws Exception {
        Files.createSymbolicLink(received.resolve("loop"), Path.of("loop"));
        try (TcpServer server = starter.bind(received, UploadLimits.defaults())) {
            server.serveInBackground("storage-refusal-" + kind);

            try (RawUploadClient client = RawUploadClient.connect(server.address())) {
                client.send(RawUploadClient.header(10, "loop"));
                assertThat(client.readAnswer()).startsWith("error storage: cannot place 'loop' (").endsWith(")\n");
                assertThat(client.serverClosed()).isTrue();
            }
            assertThat(Files.isSymbolicLink(received.resolve("loop"))).as("the link is left alone").isTrue();
            assertThat(namesIn(received)).containsExactly("loop");

            // U14: the next client is served as if nothing had happened.
            try (RawUploadClient client = RawUploadClient.connect(server.address())) {
                client.send(RawUploadClient.header(5, "next.txt"));
                assertThat(client.readAnswer()).isEqualTo("go ahead");
                client.send("hello".getBytes(StandardCharsets.US_ASCII));
                assertThat(client.readLine()).startsWith("ok ");
            }
            assertThat(received.resolve("next.txt")).hasContent("hello");
        }
    }

    private static List<String> namesIn(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
