package transferlab.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.server.ServerLog;
import transferlab.storage.Hashes;

/**
 * What the contract cannot see from outside: two connections of one client, a file changed between
 * offer and ack, the connection limit and the exchange deadline, the file open only while it is sent.
 */
class UpdateServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Far more than the socket buffers hold when the client's receive buffer is small (4 MiB send side). */
    private static final int LARGE = 16 << 20;

    @TempDir
    Path temp;
    private UpdateServer server;
    private Thread serverThread;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            serverThread.join(10_000);
        }
    }

    @Test
    void twoConnectionsOfOneClientGetDifferentFilesAndBothLeaveOnTheirAcks() throws Exception {
        Path a = queue("twin", "a.txt", "first");
        Path b = queue("twin", "b.txt", "second");
        start(UpdateLimits.defaults());
        try (Socket one = connect(); Socket two = connect()) {
            UpdateOffer first = pollAndReceive(one, "twin");
            UpdateOffer second = pollAndReceive(two, "twin");
            assertThat(List.of(first.fileName(), second.fileName())).containsExactly("a.txt", "b.txt");

            send(two, UpdateRequest.ack("twin", second.fileHash()));
            send(one, UpdateRequest.ack("twin", first.fileHash()));
            assertThat(UpdateFrame.read(one.getInputStream(), 1024)).isNull();
            assertThat(UpdateFrame.read(two.getInputStream(), 1024)).isNull();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(List.of(a, b)).allSatisfy(f -> assertThat(f)
                .doesNotExist()));
    }

    @Test
    void aFileChangedBetweenOfferAndAckStaysQueuedAndIsOfferedAgain() throws Exception {
        Path file = queue("carl", "config.txt", "old");
        start(UpdateLimits.defaults());
        try (Socket socket = connect()) {
            UpdateOffer old = pollAndReceive(socket, "carl");
            Files.writeString(file, "new and longer");
            send(socket, UpdateRequest.ack("carl", old.fileHash()));

            UpdateOffer again = UpdateOffer.parse(UpdateFrame.read(socket.getInputStream(), 1024));
            assertThat(again.fileName()).isEqualTo("config.txt");
            assertThat(again.fileHash()).isEqualTo(sha256("new and longer"));
            assertThat(socket.getInputStream().readNBytes((int) again.fileSize())).asString(StandardCharsets.UTF_8)
                    .isEqualTo("new and longer");
        }
        assertThat(file).exists();
        assertThat(log).anySatisfy(line -> assertThat(line).contains("changed since it was offered; kept"));
    }

    @Test
    void connectionsOverTheLimitAreClosedAtOnceAndTheOthersGoOn() throws Exception {
        queue("dora", "d.txt", "for dora");
        start(UpdateLimits.defaults().withMaxConnections(1));
        try (Socket first = connect()) { // accepted first: the server takes the backlog in order
            try (Socket second = connect()) {
                send(second, UpdateRequest.poll("dora"));
                assertThat(closedWithoutAByte(second)).isTrue();
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(log).anySatisfy(line ->
                    assertThat(line).contains("refused (busy): 1 connections open, the limit is 1")));
            UpdateOffer offer = pollAndReceive(first, "dora");
            assertThat(offer.fileName()).isEqualTo("d.txt");
        }
    }

    @Test
    void aClientThatTakesTooLongIsClosedAtTheDeadlineAndTheFileStays() throws Exception {
        byte[] content = new byte[8 << 20];
        Path file = temp.resolve("outbox").resolve("slow").resolve("large.bin");
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        start(UpdateLimits.defaults().withIdleTimeout(Duration.ofSeconds(30))
                .withExchangeDeadline(Duration.ofMillis(300)));
        UpdateRequest poll = UpdateRequest.poll("slow");
        poll.encode(); // loads the JSON classes now, so that the short timer does not run out while they load
        try (Socket socket = connect()) {
            send(socket, poll);
            // The client reads nothing: the server may fill the socket buffers, then the deadline closes it.
            await().atMost(WAIT).untilAsserted(() -> assertThat(log).anySatisfy(line ->
                    assertThat(line).contains("slow").contains("deadline of 300 ms")));
            // The stream ends (a read timeout would fail here): the client never gets to send its ack.
            long received = drain(socket.getInputStream());
            assertThat(received).as("bytes that reached the client").isLessThanOrEqualTo(2L + 200 + content.length);
        }
        assertThat(file).exists();
    }

    @Test
    void aClientThatStopsReadingIsClosedAfterTheIdleTimeoutAndTheFileStays() throws Exception {
        Path file = temp.resolve("outbox").resolve("stalled").resolve("large.bin");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[8 << 20]);
        start(UpdateLimits.defaults().withIdleTimeout(Duration.ofMillis(300)));
        UpdateRequest poll = UpdateRequest.poll("stalled");
        poll.encode(); // loads the JSON classes now, so that the short timer does not run out while they load
        try (Socket socket = connect()) {
            send(socket, poll);
            // Reads nothing: once the socket buffers are full the server makes no progress (or, if they
            // took the whole file, waits for an ack that never comes) and closes after the idle timeout.
            await().atMost(WAIT).untilAsserted(() -> assertThat(log).anySatisfy(line ->
                    assertThat(line).contains("stalled: no byte moved for 300 ms (the idle timeout)")
                            .endsWith("; closed")));
        }
        assertThat(file).exists();
    }

    /*
     * D13, D14: a poll that waits for its socket holds no descriptor of the file on offer; the file is
     * open only while a piece of it is written. That is what lets the update server's descriptor
     * ceiling count sockets only (10,000 polls in 20,000 descriptors). The file is opened again for
     * each piece, so a file replaced between two pieces must not be sent half old, half new (D9).
     */

    @Test
    void aPollWaitingForItsSocketHoldsNoDescriptorOfTheFileAndGetsItIntact() throws Exception {
        byte[] content = randomBytes(LARGE, 13);
        Path file = queue("waiter", "large.bin", content);
        start(UpdateLimits.defaults());
        try (Socket socket = connectWithSmallReceiveBuffer()) {
            send(socket, UpdateRequest.poll("waiter"));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            UpdateOffer offer = UpdateOffer.parse(UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH));
            assertThat(offer.fileSize()).isEqualTo(LARGE);
            byte[] received = new byte[LARGE];
            in.readFully(received, 0, 1000);
            // The client reads no more: the socket fills and the connection waits. Meanwhile no
            // descriptor of this process (the server runs in it) may point to the file.
            await().atMost(WAIT).untilAsserted(() -> assertThat(descriptorsOpenOn(file)).isZero());
            assertThat(server.address()).isNotNull(); // still serving

            in.readFully(received, 1000, LARGE - 1000);
            assertThat(received).isEqualTo(content);
            assertThat(offer.fileHash()).isEqualTo(wireHash(content));
            send(socket, UpdateRequest.ack("waiter", offer.fileHash()));
            assertThat(UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH)).as("nothing more queued: closed").isNull();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(file).doesNotExist());
    }

    @Test
    void aFileReplacedBetweenTwoPiecesEndsThatConnectionAndTheNewFileIsOfferedNext() throws Exception {
        byte[] old = randomBytes(LARGE, 1);
        byte[] replacement = randomBytes(LARGE / 2, 2);
        Path file = queue("replaced", "update.bin", old);
        start(UpdateLimits.defaults());
        try (Socket socket = connectWithSmallReceiveBuffer()) {
            send(socket, UpdateRequest.poll("replaced"));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            UpdateOffer offer = UpdateOffer.parse(UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH));
            assertThat(offer.fileHash()).isEqualTo(wireHash(old));
            in.readFully(new byte[1000]);
            // As an operator does (D3): write under a hidden name, then rename over the queued file.
            Path hidden = file.resolveSibling(".update.bin.new");
            Files.write(hidden, replacement);
            Files.move(hidden, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

            long rest = drain(in);
            assertThat(rest).as("the connection ends before the announced size").isLessThan(LARGE - 1000);
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(log).anySatisfy(line ->
                assertThat(line).contains("replaced: ").contains("update.bin changed while it was sent")));

        try (Socket socket = connectWithSmallReceiveBuffer()) {
            send(socket, UpdateRequest.poll("replaced"));
            InputStream in = socket.getInputStream();
            UpdateOffer offer = UpdateOffer.parse(UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH));
            assertThat(offer.fileHash()).as("the new file, hashed afresh").isEqualTo(wireHash(replacement));
            assertThat(in.readNBytes((int) offer.fileSize())).isEqualTo(replacement);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A small receive buffer, set before connecting: the kernel does not grow it, so the socket fills soon. */
    private Socket connectWithSmallReceiveBuffer() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(server.address());
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    /** How many of this process's descriptors (/proc/self/fd) are open on {@code file}. */
    private static long descriptorsOpenOn(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.filter(descriptor -> {
                try {
                    return Files.readSymbolicLink(descriptor).equals(real);
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }

    private Path queue(String clientId, String name, byte[] content) throws IOException {
        Path queue = Files.createDirectories(temp.resolve("outbox").resolve(clientId));
        return Files.write(queue.resolve(name), content);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String wireHash(byte[] content) {
        return UpdateProtocol.wireHash(Hashes.hex(Hashes.sha256().digest(content)));
    }


    private void start(UpdateLimits limits) throws IOException {
        server = UpdateServer.bind(new InetSocketAddress("127.0.0.1", 0), temp.resolve("outbox"), limits,
                new ServerLog(log::add));
        serverThread = server.serveInBackground("update-server");
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.address().getPort());
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private UpdateOffer pollAndReceive(Socket socket, String clientId) throws Exception {
        send(socket, UpdateRequest.poll(clientId));
        InputStream in = socket.getInputStream();
        UpdateOffer offer = UpdateOffer.parse(UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH));
        byte[] content = in.readNBytes((int) offer.fileSize());
        assertThat(UpdateProtocol.wireHash(Hashes.hex(Hashes.sha256().digest(content)))).isEqualTo(offer.fileHash());
        return offer;
    }

    private static void send(Socket socket, UpdateRequest request) throws IOException {
        ByteBuffer frame = request.encode();
        socket.getOutputStream().write(frame.array(), 0, frame.limit());
        socket.getOutputStream().flush();
    }

    private static boolean closedWithoutAByte(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** Reads until the server's close; how many bytes came. */
    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (SocketException reset) {
            // closed by the server with a reset: the end as well
        }
        return total;
    }

    private Path queue(String clientId, String name, String content) throws IOException {
        Path queue = Files.createDirectories(temp.resolve("outbox").resolve(clientId));
        return Files.writeString(queue.resolve(name), content);
    }

    private static String sha256(String text) {
        return UpdateProtocol.wireHash(Hashes.hex(Hashes.sha256().digest(text.getBytes(StandardCharsets.UTF_8))));
    }
}
