package transferlab.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for programs we start and tell where to listen ({@code {port}} of a server command, a
 * client's {@code {dataport}}, a benchmark's peer): they must be free when the program binds them,
 * which is a moment after we chose them.
 */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** The lowest port below which programs choose their own ports; ours start here. */
    private static final int FIXED_PORTS_FROM = 20000;
    /** How long a port handed out is not handed out again: its program may not have bound it yet. */
    private static final Duration HELD_FOR = Duration.ofSeconds(60);
    /** Ports handed out by this JVM within {@link #HELD_FOR}, oldest first, to when (nanoTime). */
    private static final LinkedHashMap<Integer, Long> HANDED_OUT = new LinkedHashMap<>();

    /**
     * A loopback port free right now (for {@code {port}}, and a client's {@code {dataport}}), chosen
     * below the kernel's ephemeral range. A port from that range (what binding port 0 gives) can be
     * taken as the source port of some test's outgoing connection in the moment between our probe
     * and the program's own bind, and the program then dies with "Address already in use"; below
     * the range only an explicit bind competes for it. Nor is a port handed out again within a
     * minute: tests that start programs side by side in one JVM would otherwise both find free the
     * port the first program has not bound yet.
     */
    public static synchronized int free() throws IOException {
        long now = System.nanoTime();
        HANDED_OUT.values().removeIf(since -> now - since > HELD_FOR.toNanos());
        int ephemeralLow = ephemeralRangeStart();
        for (int attempt = 0; attempt < 100 && ephemeralLow > FIXED_PORTS_FROM + 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIXED_PORTS_FROM, ephemeralLow);
            if (HANDED_OUT.containsKey(port)) {
                continue; // ours, a moment ago: its program may be about to bind it
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(false);
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                HANDED_OUT.put(port, now);
                return port;
            } catch (IOException taken) {
                // someone has it: draw another
            }
        }
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** The first port the kernel hands out by itself (Linux; elsewhere a common default). */
    private static int ephemeralRangeStart() {
        try {
            // readAllLines, not readString: procfs reports a size of 0, and readString trusts it
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 49152; // IANA's dynamic range, used by macOS and Windows
        }
    }
}
