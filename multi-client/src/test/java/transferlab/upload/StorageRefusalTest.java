package transferlab.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import transferlab.eventloop.EventLoopUploadServer;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;
import transferlab.server.TcpServer;

/**
 * U17, one behaviour for every upload server: a name the server cannot place in its directory
 * because checking it fails with an I/O error (here a symbolic link to itself, whose real path
 * cannot be found) is answered {@code error storage: …} in place of "go ahead", as a file that
 * cannot be created is. Stage 1's blocking handler once let that error end the connection without
 * a word while the event loop answered it; both now go through {@link UploadStorage}.
 */
class StorageRefusalTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

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
    void aNameThatCannotBePlacedIsRefusedWithErrorStorageAndTheServerGoesOn(String kind, Starter starter)
            throws Exception {
        Files.createSymbolicLink(received.resolve("loop"), Path.of("loop"));
        UploadLimits limits = UploadLimits.defaults();
        try (TcpServer server = starter.bind(received, limits)) {
            server.serveInBackground("storage-refusal-" + kind);

            String answer = upload(server.address(), "loop", new byte[10]);
            assertThat(answer).startsWith("error storage: cannot place 'loop' (").endsWith(")\n");
            assertThat(Files.isSymbolicLink(received.resolve("loop"))).as("the link is left alone").isTrue();
            await().atMost(READ_TIMEOUT).untilAsserted(() -> assertThat(namesIn(received)).containsExactly("loop"));

            // U14: the next client is served as if nothing had happened.
            assertThat(upload(server.address(), "next.txt", "hello".getBytes(StandardCharsets.US_ASCII)))
                    .startsWith("go ahead");
            assertThat(received.resolve("next.txt")).hasContent("hello");
        }
    }

    /** Sends the header; on "go ahead" the content too. Returns everything the server sent until it closed. */
    private static String upload(InetSocketAddress address, String name, byte[] content) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) READ_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            socket.getOutputStream().write(new UploadHeader(content.length, name).encode());
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] first = in.readNBytes(UploadProtocol.GO_AHEAD.length);
            answer.write(first);
            if (Arrays.equals(first, UploadProtocol.GO_AHEAD)) {
                socket.getOutputStream().write(content);
            }
            answer.write(in.readAllBytes());
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static List<String> namesIn(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
