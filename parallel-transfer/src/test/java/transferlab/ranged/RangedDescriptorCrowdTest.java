package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.storage.Hashes;
import transferlab.testkit.ChildJvm;
import transferlab.testkit.Requirement;
import transferlab.testkit.TestFiles;

/**
 * Issue 11 item 6a for the ranged server, against its real open file limit: {@code ranged-server}
 * runs in a JVM of its own under {@code prlimit --nofile=160}, which its default limits (1,024
 * control connections, 64 listeners, ...) could overrun; it says so at start, with its ceiling. A
 * crowd of silent control connections from many hosts, 40 more than the ceiling, gets exactly the
 * 40 over it answered 503 at once; the process never runs out of descriptors (no failed accept);
 * once the crowd leaves, a request is answered 200 and its block is served intact.
 */
class RangedDescriptorCrowdTest {
    private static final Pattern CEILING = Pattern.compile("holding at most (\\d+),");
    private static final int OVER = 40;
    /** Connections per source address, within the per-address share of control threads (R19). */
    private static final int PER_ADDRESS = RangedLimits.DEFAULT_MAX_CONTROL_PER_ADDRESS;

    @TempDir
    Path root;

    @Test
    @Requirement({"R3", "R19"})
    void aCrowdBeyondTheOpenFileLimitGets503AndTheServerLivesOn() throws Exception {
        byte[] content = TestFiles.randomBytes(100_000, 11);
        Files.write(root.resolve("f.bin"), content);
        try (ChildJvm server = ChildJvm.start(List.of("prlimit", "--nofile=160"), RangedServerCommand.class,
                "0", "--root", root.toString(), "--bind", "127.0.0.1")) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.awaitListeningPort());
            String warning = server.awaitLine(line -> line.contains("warning: the ranged server's limits may hold"));
            Matcher matcher = CEILING.matcher(warning);
            assertThat(matcher.find()).as(warning).isTrue();
            int ceiling = Integer.parseInt(matcher.group(1));
            assertThat(ceiling).isBetween(20, 96); // 160 less the JVM's own and the reserve of 64

            List<Socket> crowd = new ArrayList<>();
            try {
                for (int i = 0; i < ceiling + OVER; i++) {
                    InetAddress from = InetAddress.getByName("127.0.0." + (2 + i / PER_ADDRESS));
                    crowd.add(new Socket(address.getAddress(), address.getPort(), from, 0));
                }
                // The admitted ones wait silently for their request; the ones over the ceiling are
                // answered at once. An early refusal too many would be counted before the last one.
                await().atMost(Duration.ofSeconds(20)).until(() -> answered(crowd).size() >= OVER);
                List<Socket> refused = answered(crowd);
                assertThat(refused).as("answered at once, of %d with a ceiling of %d", crowd.size(), ceiling)
                        .hasSize(OVER);
                for (Socket socket : refused) {
                    socket.setSoTimeout(20_000);
                    String reply = new String(socket.getInputStream().readNBytes(4096), StandardCharsets.UTF_8);
                    assertThat(reply).startsWith("HTTP/1.1 503").contains("open file limit");
                }
            } finally {
                for (Socket socket : crowd) {
                    socket.close();
                }
            }

            // The crowd's descriptors come back as the server sees each close; until then a request may
            // still be refused at accept, and a refusal that meets the unread request is a reset.
            String offer = await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(SocketException.class)
                    .until(() -> post(address), reply -> reply.startsWith("HTTP/1.1 200"));
            assertThat(offer).contains("\"hash\":\"" + Hashes.md5Hex(root.resolve("f.bin")) + "\"");
            Matcher port = Pattern.compile("\"port\":(\\d+)").matcher(offer);
            assertThat(port.find()).as(offer).isTrue();
            try (Socket data = new Socket(address.getAddress(), Integer.parseInt(port.group(1)))) {
                data.setSoTimeout(20_000);
                data.getOutputStream().write(0); // block 0 of 1: the whole file (R4)
                assertThat(data.getInputStream().readAllBytes()).isEqualTo(content);
            }
            assertThat(server.lines()).noneMatch(line -> line.contains("accept failed")
                    || line.contains("Too many open files"));
        }
    }

    /** The sockets of the crowd that have bytes to read: the server answered them. */
    private static List<Socket> answered(List<Socket> crowd) throws IOException {
        List<Socket> answered = new ArrayList<>();
        for (Socket socket : crowd) {
            if (socket.getInputStream().available() > 0) {
                answered.add(socket);
            }
        }
        return answered;
    }

    /** POST /f.bin for one block, over a fresh connection; the whole reply. */
    private static String post(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(20_000);
            String body = "{\"threads\": 1}";
            socket.getOutputStream().write(("POST /f.bin HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
