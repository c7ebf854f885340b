package transferlab.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.cli.CommandRunner;
import transferlab.cli.HostPort;
import transferlab.server.ServerLog;
import transferlab.storage.Hashes;

/** The update client against a fake server that lies about a hash, and against our real server. */
class UpdateClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path temp;
    private UpdateServer server;
    private Thread serverThread;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            serverThread.join(10_000);
        }
    }

    @Test
    void aWrongHashStoresNothingAndSendsNoAck() throws Exception {
        Path dir = temp.resolve("updates");
        byte[] content = "the real bytes".getBytes(StandardCharsets.UTF_8);
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> afterOffer = lyingServer(fake, content);
            UpdateClient client = new UpdateClient("tester", dir, TIMEOUT, UpdateClient.DEFAULT_MAX_FILE_BYTES,
                    print());

            assertThatThrownBy(() -> client.poll(address(fake)))
                    .isInstanceOf(UpdateFailedException.class)
                    .as("fails naming the file (UpdateClient's steps; D7: 'reports the failure')")
                    .hasMessageContaining("patch.bin");

            await().atMost(TIMEOUT).until(afterOffer::isDone);
            assertThat(afterOffer.get()).as("what the client sent after the offer (an ack would be here)").isEmpty();
        }
        assertThat(filesIn(dir)).as("nothing stored, not even a temporary file").isEmpty();
    }

    @Test
    void onceExitsOneOnAWrongHash() throws Exception {
        Path dir = temp.resolve("updates");
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            lyingServer(fake, "bytes".getBytes(StandardCharsets.UTF_8));
            int exit = CommandRunner.run(new UpdateClientCommand(), HostPort.format(address(fake)),
                    "--id", "tester", "--dir", dir.toString(), "--once", "--timeout", "10");
            assertThat(exit).isEqualTo(CommandRunner.FAILED);
        }
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void aFileAlreadyHeldIsSkippedButAcknowledged() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("updates"));
        byte[] content = "version 2 of the tool".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("tool-v2.txt"), content);
        Path queued = queue("tester", "same-tool-other-name.txt", content);
        startServer();

        UpdateClient client = new UpdateClient("tester", dir, TIMEOUT, UpdateClient.DEFAULT_MAX_FILE_BYTES, print());
        PollResult result = client.poll(loopback());

        assertThat(result).isEqualTo(new PollResult(0, 1));
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("skipped same-tool-other-name.txt: already held");
        assertThat(filesIn(dir)).containsExactly("tool-v2.txt");
        assertThat(queued).as("the ack took it off the queue").doesNotExist();
    }

    @Test
    void onceStoresEverythingQueuedVerifiedAndExitsZero() throws Exception {
        byte[] big = new byte[300_000];
        new java.util.Random(7).nextBytes(big);
        byte[] small = "hello".getBytes(StandardCharsets.UTF_8);
        queue("tester", "big.bin", big);
        queue("tester", "small.txt", small);
        Path dir = temp.resolve("updates");
        startServer();

        int exit = CommandRunner.run(new UpdateClientCommand(), HostPort.format(loopback()),
                "--id", "tester", "--dir", dir.toString(), "--once");

        assertThat(exit).isEqualTo(CommandRunner.OK);
        assertThat(dir.resolve("big.bin")).hasBinaryContent(big);
        assertThat(dir.resolve("small.txt")).hasBinaryContent(small);
        assertThat(filesIn(dir)).containsExactly("big.bin", "small.txt");
        assertThat(filesIn(temp.resolve("outbox").resolve("tester"))).isEmpty();
        // Nothing left: a second --once finds the queue empty, and that is success too.
        assertThat(CommandRunner.run(new UpdateClientCommand(), HostPort.format(loopback()),
                "--id", "tester", "--dir", dir.toString(), "--once")).isEqualTo(CommandRunner.OK);
    }

    @Test
    void onceExitsOneWhenNoServerListensAndTwoOnABadId() throws Exception {
        int freePort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort();
        }
        String dir = temp.resolve("updates").toString();
        assertThat(CommandRunner.run(new UpdateClientCommand(), "127.0.0.1:" + freePort,
                "--id", "tester", "--dir", dir, "--once")).isEqualTo(CommandRunner.FAILED);
        for (String badId : List.of("../other", "a/b", "")) {
            assertThat(CommandRunner.run(new UpdateClientCommand(), "127.0.0.1:" + freePort,
                    "--id", badId, "--dir", dir, "--once")).as("--id '" + badId + "'").isEqualTo(CommandRunner.USAGE);
        }
        assertThat(CommandRunner.run(new UpdateClientCommand(), "127.0.0.1:" + freePort, "--once"))
                .as("no --id").isEqualTo(CommandRunner.USAGE);
    }

    /**
     * Accepts one client, reads its poll, offers {@code content} with the hash of other bytes, sends
     * the bytes, and completes with whatever the client sends afterwards, until it closes.
     */
    private static CompletableFuture<byte[]> lyingServer(ServerSocket fake, byte[] content) {
        CompletableFuture<byte[]> afterOffer = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (Socket client = fake.accept()) {
                client.setSoTimeout((int) TIMEOUT.toMillis());
                InputStream in = client.getInputStream();
                OutputStream out = client.getOutputStream();
                UpdateRequest poll = UpdateRequest.parse(UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH));
                assertThat(poll.isPoll()).isTrue();
                String wrongHash = UpdateProtocol.wireHash(Hashes.hex(Hashes.sha256()
                        .digest("other bytes".getBytes(StandardCharsets.UTF_8))));
                ByteBuffer offer = new UpdateOffer("patch.bin", content.length, wrongHash).encode();
                out.write(offer.array(), 0, offer.limit());
                out.write(content);
                out.flush();
                afterOffer.complete(in.readAllBytes());
            } catch (Exception e) {
                afterOffer.completeExceptionally(e);
            }
        }, "lying-update-server");
        thread.setDaemon(true);
        thread.start();
        return afterOffer;
    }

    private void startServer() throws IOException {
        server = UpdateServer.bind(new InetSocketAddress("127.0.0.1", 0), temp.resolve("outbox"),
                UpdateLimits.defaults(), ServerLog.silent());
        serverThread = server.serveInBackground("update-server");
    }

    private InetSocketAddress loopback() {
        return new InetSocketAddress("127.0.0.1", server.address().getPort());
    }

    private static InetSocketAddress address(ServerSocket socket) {
        return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
    }

    private Path queue(String clientId, String name, byte[] content) throws IOException {
        Path queue = Files.createDirectories(temp.resolve("outbox").resolve(clientId));
        return Files.write(queue.resolve(name), content);
    }

    private PrintStream print() {
        return new PrintStream(output, true, StandardCharsets.UTF_8);
    }

    /** Every entry of a directory, hidden ones included, sorted. */
    private static List<String> filesIn(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
