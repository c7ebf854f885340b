package transferlab.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import transferlab.storage.Hashes;
import transferlab.update.BadFrameException;
import transferlab.update.UpdateFrame;
import transferlab.update.UpdateOffer;
import transferlab.update.UpdateProtocol;
import transferlab.update.UpdateRequest;
import transferlab.upload.UploadHeader;
import transferlab.upload.UploadProtocol;

/**
 * A load generator: N clients at once from ONE thread (a Selector, like the servers it loads), so
 * that 15,000 clients cost 15,000 sockets and no threads. It first connects every client, and only
 * when all are connected lets them speak, so that all N are open at the same moment. Then each one
 * uploads its file (protocol U) or polls its queue (protocol D), and the generator checks every
 * answer: an upload counts as intact only if the server's "ok" hash and the stored file's SHA-256
 * both match what was sent; a poll only if the offered file's bytes match its hash and ours.
 *
 * <p>The server runs as a separate process (the command after {@code --}), so each side has its own
 * descriptor limit ({@code ulimit -n}, 20,000 on the course machines) and the server's peak resident
 * memory ({@code VmHWM} in /proc/PID/status) is its own. Run it from the repository root after
 * {@code mvn -q -o -pl multi-client -am test-compile} and one
 * {@code mvn -q -o -pl multi-client dependency:build-classpath -Dmdep.outputFile=target/test.classpath}
 * (the sibling modules' classes go first: the class path file may name older jars of them):
 * <pre>
 *   $ mkdir -p /tmp/load && java -Xmx256m -cp "multi-client/target/test-classes:multi-client/target/classes:\
 *   single-client/target/classes:testkit/target/classes:$(cat multi-client/target/test.classpath)" \
 *       transferlab.load.ManyClientsLoad upload 15000 65536 /tmp/load/d -- env JAVA_TOOL_OPTIONS=-Xmx64m \
 *       ./transfer upload-server --mode event-loop --port 0 --dir /tmp/load/d --max-connections 15000
 *   server: pid …, listening on port … (log: /tmp/load/d.server.log)
 *   15000 upload clients x 65536 bytes: connected in 2.29 s, all answered in 9.67 s
 *   intact 9960, busy 5040, failed 0; server peak RSS 145 MB (VmHWM), CPU 8.57 s; generator 203 MB
 * </pre>
 * Modes: {@code upload CLIENTS BYTES DIR} (DIR: where the server stores; must not exist or be empty)
 * and {@code poll CLIENTS BYTES OUTBOX} (the generator queues one file of BYTES for each client
 * {@code load-<i>} in OUTBOX before it starts the server). Clients come from many loopback addresses,
 * at most {@value #CLIENTS_PER_ADDRESS} from each (127.0.0.1, 127.0.0.2, ...), so that a server's
 * per-address limit sees a crowd of hosts. The exit status is 0 only if nothing failed.
 */
public final class ManyClientsLoad {
    /**
     * Clients per loopback source address: they come from 127.0.0.1 upwards (all of 127/8 is this host),
     * a new address for every {@value}, so that a server's per-address limit (--max-per-address, default
     * 64) sees many hosts, as it would in a real crowd.
     */
    static final int CLIENTS_PER_ADDRESS = 16;
    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final int READ_BUFFER_BYTES = 256 * 1024;
    private static final Pattern LISTENING = Pattern.compile("listening on .*:(\\d+)");

    /** Which protocol the clients speak. */
    enum Mode { UPLOAD, POLL }

    /**
     * What a run found. {@code refused} are clients turned away as the protocol says when a server
     * is full ({@code error busy} for uploads; for polls a close before any offer, D14).
     */
    record Report(int clients, int intact, int refused, Map<String, Integer> failures, double connectSeconds,
                  double servedSeconds) {
        int failed() {
            return failures.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    public static void main(String[] args) throws Exception {
        int separator = List.of(args).indexOf("--");
        if (args.length < 4 || separator != 4 || separator == args.length - 1) {
            System.err.println("usage: ManyClientsLoad upload|poll CLIENTS BYTES DIR -- SERVER COMMAND...");
            System.exit(2);
        }
        Mode mode = Mode.valueOf(args[0].toUpperCase());
        int clients = Integer.parseInt(args[1]);
        int bytes = Integer.parseInt(args[2]);
        Path dir = Path.of(args[3]);
        List<String> serverCommand = List.of(args).subList(separator + 1, args.length);
        ManyClientsLoad load = new ManyClientsLoad(mode, clients, bytes);
        if (mode == Mode.POLL) {
            load.queueFiles(dir);
        }
        Path serverLog = Path.of(dir + ".server.log");
        Process server = new ProcessBuilder(serverCommand).redirectErrorStream(true)
                .redirectOutput(serverLog.toFile()).start();
        Report report;
        try {
            int port = awaitPort(server, serverLog);
            System.out.printf("server: pid %d, listening on port %d (log: %s)%n", server.pid(), port, serverLog);
            report = load.run(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), dir);
            System.out.printf("%d %s clients x %d bytes: connected in %.2f s, all answered in %.2f s%n", clients,
                    mode.name().toLowerCase(), bytes, report.connectSeconds(), report.servedSeconds());
            System.out.printf("intact %d, %s %d, failed %d; server peak RSS %d MB (VmHWM), CPU %.2f s; "
                    + "generator %d MB%n", report.intact(), mode == Mode.UPLOAD ? "busy" : "closed before an offer",
                    report.refused(), report.failed(), peakRssKib(server.pid()) / 1024, cpuSeconds(server.pid()),
                    peakRssKib(ProcessHandle.current().pid()) / 1024);
            report.failures().forEach((why, count) -> System.out.printf("  %6d x %s%n", count, why));
        } finally {
            server.destroy(); // before System.exit, which would skip this
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        System.exit(report.failed() == 0 ? 0 : 1);
    }

    private final Mode mode;
    private final int clientCount;
    private final int bytes;
    /** Every client's content is this block with its own index in the last 8 bytes: N files, one block of memory. */
    private final ByteBuffer block;
    private final MessageDigest blockPrefixDigest;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES); // shared by all clients

    ManyClientsLoad(Mode mode, int clientCount, int bytes) {
        if (bytes < Long.BYTES) {
            throw new IllegalArgumentException("each file needs at least 8 bytes (its client's index), not " + bytes);
        }
        this.mode = mode;
        this.clientCount = clientCount;
        this.bytes = bytes;
        byte[] content = new byte[bytes - Long.BYTES];
        new Random(bytes).nextBytes(content);
        // Direct, so that a write to a socket needs no copy of it first.
        this.block = ByteBuffer.allocateDirect(content.length).put(content).flip().asReadOnlyBuffer();
        this.blockPrefixDigest = Hashes.sha256();
        blockPrefixDigest.update(content);
    }

    /** The SHA-256 (hex) of client {@code index}'s file, from the block's digest: no file is kept in memory. */
    String expectedHex(int index) {
        try {
            MessageDigest digest = (MessageDigest) blockPrefixDigest.clone();
            digest.update(indexBytes(index));
            return Hashes.hex(digest.digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static byte[] indexBytes(int index) {
        return ByteBuffer.allocate(Long.BYTES).putLong(index).array();
    }

    static String clientId(int index) {
        return "load-" + index;
    }

    /** Poll mode: one file in each client's queue ({@code OUTBOX/load-<i>/update.bin}), before the server starts. */
    void queueFiles(Path outbox) throws IOException {
        for (int i = 0; i < clientCount; i++) {
            Path queue = Files.createDirectories(outbox.resolve(clientId(i)));
            Files.write(queue.resolve("update.bin"), fileBytes(i));
        }
    }

    private byte[] fileBytes(int index) {
        ByteBuffer file = ByteBuffer.allocate(bytes);
        file.put(block.duplicate()).put(indexBytes(index));
        return file.array();
    }

    /** Connects every client, then lets them all speak; returns when each one has its answer, or after 5 minutes. */
    Report run(InetSocketAddress server, Path dir) throws IOException {
        Map<String, Integer> failures = new TreeMap<>();
        List<Client> clients = new ArrayList<>(clientCount);
        long start = System.nanoTime();
        long giveUp = start + LIMIT.toNanos();
        try (Selector selector = Selector.open()) {
            int pending = 0;
            for (int i = 0; i < clientCount; i++) {
                Client client = new Client(i);
                clients.add(client);
                try {
                    client.channel = SocketChannel.open();
                    client.channel.configureBlocking(false);
                    client.channel.bind(new InetSocketAddress(sourceAddress(i), 0));
                    if (client.channel.connect(server)) {
                        client.key = client.channel.register(selector, 0, client);
                    } else {
                        client.key = client.channel.register(selector, SelectionKey.OP_CONNECT, client);
                        pending++;
                    }
                } catch (IOException e) {
                    client.fail(failures, "connect: " + e.getMessage());
                }
            }
            pending = loop(selector, pending, giveUp, failures);
            double connectSeconds = (System.nanoTime() - start) / 1e9;
            int open = 0;
            for (Client client : clients) {
                if (!client.done) {
                    client.start(failures);
                    open += client.done ? 0 : 1;
                }
            }
            loop(selector, open, giveUp, failures);
            double servedSeconds = (System.nanoTime() - start) / 1e9;
            for (Client client : clients) {
                if (!client.done) {
                    client.fail(failures, "no answer within " + LIMIT.toMinutes() + " minutes (" + client.phase + ")");
                }
            }
            int intact = 0;
            int refused = 0;
            for (Client client : clients) {
                if (client.intact) {
                    String problem = checkOnDisk(dir, client.index);
                    if (problem == null) {
                        intact++;
                    } else {
                        failures.merge(problem, 1, Integer::sum);
                    }
                } else if (client.refused) {
                    refused++;
                }
            }
            return new Report(clientCount, intact, refused, failures, connectSeconds, servedSeconds);
        }
    }

    private InetAddress sourceAddress(int index) throws IOException {
        int addresses = Math.max(1, (clientCount + CLIENTS_PER_ADDRESS - 1) / CLIENTS_PER_ADDRESS);
        int host = 1 + index % addresses; // 127.0.0.1, 127.0.0.2, ... 127.0.1.0, ...
        return InetAddress.getByAddress(new byte[] {127, 0, (byte) (host >> 8), (byte) host});
    }

    /** Runs the clients' steps until {@code open} of them are done, or the time is up; returns how many remain. */
    private int loop(Selector selector, int open, long giveUp, Map<String, Integer> failures) throws IOException {
        int[] remaining = {open};
        while (remaining[0] > 0 && System.nanoTime() < giveUp) {
            selector.select(key -> {
                Client client = (Client) key.attachment();
                boolean wasDone = client.done;
                boolean wasConnecting = client.phase == Phase.CONNECTING;
                client.step(key, failures);
                if ((!wasDone && client.done) || (wasConnecting && client.phase != Phase.CONNECTING)) {
                    remaining[0]--;
                }
            }, Math.max(1, TimeUnit.NANOSECONDS.toMillis(giveUp - System.nanoTime())));
        }
        return remaining[0];
    }

    /**
     * An upload counts as intact only if the stored file has the SHA-256 of what was sent; a poll only if
     * the file left its queue. Returns what is wrong, or null.
     */
    String checkOnDisk(Path dir, int index) {
        try {
            if (mode == Mode.UPLOAD) {
                Path stored = dir.resolve(fileName(index));
                if (!Files.isRegularFile(stored)) {
                    return "answered ok but not stored";
                }
                return Hashes.sha256Hex(stored).equals(expectedHex(index)) ? null : "stored file damaged";
            }
            try (var left = Files.list(dir.resolve(clientId(index)))) {
                return left.findAny().isEmpty() ? null : "acknowledged but still queued";
            }
        } catch (IOException e) {
            return "cannot check on disk: " + e.getMessage();
        }
    }

    private static String fileName(int index) {
        return "load-" + index + ".bin";
    }

    private enum Phase { CONNECTING, CONNECTED, SENDING, AWAITING_GO_AHEAD, SENDING_CONTENT, AWAITING_REPLY,
        AWAITING_OFFER, RECEIVING_FILE, SENDING_ACK, AWAITING_CLOSE }

    /** One client: a small state machine, like the server's connections. Only the generator's thread touches it. */
    private final class Client {
        final int index;
        SocketChannel channel;
        SelectionKey key;
        Phase phase = Phase.CONNECTING;
        boolean done;
        boolean intact;
        boolean refused;
        ByteBuffer outgoing;           // the header, a poll or an ack
        ByteBuffer[] content;          // upload: the shared block, then this client's index
        ByteBuffer reply = ByteBuffer.allocate(UploadProtocol.MAX_REPLY_LINE_BYTES);
        UpdateOffer offer;
        MessageDigest received;
        long receivedBytes;

        Client(int index) {
            this.index = index;
        }

        /** Everyone is connected: speak. A server that answered already (a busy refusal) is read first. */
        void start(Map<String, Integer> failures) {
            if (phase == Phase.CONNECTING) {
                fail(failures, "could not connect within " + LIMIT.toMinutes() + " minutes");
                return;
            }
            try {
                int n = channel.read(reply);
                if (n != 0) {
                    phase = mode == Mode.UPLOAD ? Phase.AWAITING_REPLY : Phase.AWAITING_OFFER;
                    key.interestOps(SelectionKey.OP_READ);
                    answered(n < 0, failures);
                    return;
                }
                if (mode == Mode.UPLOAD) {
                    outgoing = ByteBuffer.wrap(new UploadHeader(bytes, fileName(index)).encode());
                } else {
                    outgoing = UpdateRequest.poll(clientId(index)).encode();
                }
                phase = Phase.SENDING;
                write(failures);
            } catch (IOException e) {
                fail(failures, phase + ": " + e.getMessage());
            }
        }

        void step(SelectionKey ready, Map<String, Integer> failures) {
            try {
                if (phase == Phase.CONNECTING) {
                    if (ready.isConnectable() && channel.finishConnect()) {
                        phase = Phase.CONNECTED;
                        key.interestOps(0); // wait for the others
                    }
                } else if (ready.isWritable()) {
                    write(failures);
                } else if (ready.isReadable()) {
                    read(failures);
                }
            } catch (IOException e) {
                fail(failures, phase + ": " + e.getMessage());
            }
        }

        private void write(Map<String, Integer> failures) throws IOException {
            ByteBuffer last;
            if (phase == Phase.SENDING_CONTENT) {
                channel.write(content); // the shared block, then this client's 8 bytes, in one gathering write
                last = content[1];
            } else {
                channel.write(outgoing);
                last = outgoing;
            }
            if (last.hasRemaining()) {
                key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
            key.interestOps(SelectionKey.OP_READ);
            phase = switch (phase) {
                case SENDING -> mode == Mode.UPLOAD ? Phase.AWAITING_GO_AHEAD : Phase.AWAITING_OFFER;
                case SENDING_CONTENT -> Phase.AWAITING_REPLY;
                case SENDING_ACK -> Phase.AWAITING_CLOSE; // the server closes: only one file was queued
                default -> throw new IllegalStateException("nothing to write in " + phase);
            };
        }

        private void read(Map<String, Integer> failures) throws IOException {
            if (phase == Phase.RECEIVING_FILE) {
                receiveFile(failures);
                return;
            }
            if (phase == Phase.AWAITING_CLOSE) {
                readBuffer.clear();
                int n = channel.read(readBuffer);
                if (n < 0) {
                    intact = true;
                    finish();
                } else if (n > 0) {
                    fail(failures, "a second offer after the ack (only one file was queued)");
                }
                return;
            }
            int n = channel.read(reply);
            if (n != 0) {
                answered(n < 0, failures);
            }
        }

        /** New reply bytes have arrived (or end of stream): act once a whole answer is there. */
        private void answered(boolean ended, Map<String, Integer> failures) throws IOException {
            if (mode == Mode.POLL) {
                offerArrived(ended, failures);
                return;
            }
            String text = new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII);
            boolean goAhead = new String(UploadProtocol.GO_AHEAD, StandardCharsets.US_ASCII).equals(text);
            if (phase == Phase.AWAITING_GO_AHEAD && goAhead) {
                reply.clear();
                phase = Phase.SENDING_CONTENT;
                content = new ByteBuffer[] {block.duplicate(), ByteBuffer.wrap(indexBytes(index))};
                write(failures);
                return;
            }
            boolean lineEnded = text.endsWith("\n");
            if (!lineEnded && !ended && reply.hasRemaining()) {
                return; // more of the line is on its way
            }
            String line = text.strip();
            if (line.startsWith(UploadProtocol.ERROR_PREFIX + "busy")) {
                refused = true;
                finish();
            } else if (phase == Phase.AWAITING_REPLY && line.equals(UploadProtocol.OK_PREFIX + expectedHex(index))) {
                intact = true;
                finish();
            } else {
                fail(failures, phase + ": " + (line.isEmpty() ? "closed without an answer" : "answered '"
                        + line.replaceAll("[0-9a-f]{64}", "<sha256>").replaceAll("\\d+", "N") + "'"));
            }
        }

        /** Protocol D: a 2-byte length, the offer's JSON; a close before any byte is the server's refusal (D14). */
        private void offerArrived(boolean ended, Map<String, Integer> failures) throws IOException {
            if (reply.position() == 0 && ended) {
                refused = true;
                finish();
                return;
            }
            if (reply.position() < UpdateFrame.LENGTH_BYTES) {
                if (ended) {
                    fail(failures, "closed inside an offer's length");
                }
                return;
            }
            int length = Short.toUnsignedInt(reply.getShort(0));
            if (length > reply.capacity() - UpdateFrame.LENGTH_BYTES) {
                fail(failures, "an offer of " + length + " bytes");
                return;
            }
            int have = reply.position() - UpdateFrame.LENGTH_BYTES;
            if (have < length) {
                if (ended) {
                    fail(failures, "closed inside an offer");
                }
                return;
            }
            byte[] json = new byte[length];
            reply.get(UpdateFrame.LENGTH_BYTES, json);
            try {
                offer = UpdateOffer.parse(json);
            } catch (BadFrameException e) {
                fail(failures, "a bad offer: " + e.getMessage());
                return;
            }
            if (offer.fileSize() != bytes || !offer.fileHash().equals(UpdateProtocol.wireHash(expectedHex(index)))) {
                fail(failures, "offered a file that is not the one queued");
                return;
            }
            received = Hashes.sha256();
            // File bytes that came with the offer's frame.
            int extra = have - length;
            received.update(reply.array(), UpdateFrame.LENGTH_BYTES + length, extra);
            receivedBytes = extra;
            reply = null; // the offer is read; the reply buffer is not needed any more
            phase = Phase.RECEIVING_FILE;
            if (receivedBytes >= bytes) {
                fileReceived(failures);
            }
        }

        private void receiveFile(Map<String, Integer> failures) throws IOException {
            readBuffer.clear();
            readBuffer.limit((int) Math.min(readBuffer.capacity(), bytes - receivedBytes));
            int n = channel.read(readBuffer);
            if (n < 0) {
                fail(failures, "closed after " + receivedBytes + " of " + bytes + " file bytes");
                return;
            }
            readBuffer.flip();
            received.update(readBuffer);
            receivedBytes += n;
            if (receivedBytes == bytes) {
                fileReceived(failures);
            }
        }

        private void fileReceived(Map<String, Integer> failures) throws IOException {
            String hash = UpdateProtocol.wireHash(Hashes.hex(received.digest()));
            if (!hash.equals(offer.fileHash())) {
                fail(failures, "the file's bytes do not match its hash");
                return;
            }
            outgoing = UpdateRequest.ack(clientId(index), hash).encode();
            phase = Phase.SENDING_ACK;
            write(failures);
        }

        void fail(Map<String, Integer> failures, String why) {
            failures.merge(why, 1, Integer::sum);
            finish();
        }

        private void finish() {
            done = true;
            outgoing = null;
            content = null;
            reply = null;
            if (key != null) {
                key.cancel();
            }
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                // Closing a socket can only fail if it is gone already.
            }
        }
    }

    /** Waits (at most 2 minutes: the launcher may build first) for the server's "listening on HOST:PORT" line. */
    private static int awaitPort(Process server, Path log) throws IOException, InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < giveUp) {
            if (Files.exists(log)) {
                Matcher listening = LISTENING.matcher(Files.readString(log));
                if (listening.find()) {
                    return Integer.parseInt(listening.group(1));
                }
            }
            if (!server.isAlive()) {
                throw new IOException("the server exited (status " + server.exitValue() + "); see " + log);
            }
            server.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new IOException("the server did not say 'listening on' within 2 minutes; see " + log);
    }

    /** CPU time (user and system) a process has used so far, from /proc/PID/stat; -1 where /proc does not tell. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // After the name in parentheses; utime and stime are fields 14 and 15, in ticks of 1/100 s.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Peak resident memory of a process in KiB ({@code VmHWM}), or -1 where /proc does not tell. */
    static long peakRssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }
}
