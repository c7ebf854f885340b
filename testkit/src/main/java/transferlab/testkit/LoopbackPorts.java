package transferlab.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    /** Ports handed out by this JVM within {@link #HELD_FOR}, oldest first, and their claims. */
    private static final LinkedHashMap<Integer, Claim> HANDED_OUT = new LinkedHashMap<>();
    /**
     * One byte per port, locked by the JVM that handed the port out (a POSIX record lock, gone when
     * that JVM exits): test JVMs side by side (surefire forks, other builds) skip each other's ports.
     */
    private static final Path CLAIMS = Path.of(System.getProperty("java.io.tmpdir"), "transferlab-ports.lock");
    private static FileChannel claims;
    private static boolean claimsUnavailable;

    /** When a port was handed out (nanoTime), and its lock across JVMs (null where none could be taken). */
    private record Claim(long since, FileLock lock) {
        /** Lets other JVMs have the port again; true, so that it can end a removeIf. */
        boolean release() {
            try {
                if (lock != null) {
                    lock.release();
                }
            } catch (IOException e) {
                // the channel is gone: so is the lock
            }
            return true;
        }
    }

    /**
     * A loopback port free right now (for {@code {port}}, and a client's {@code {dataport}}), chosen
     * below the kernel's ephemeral range. A port from that range (what binding port 0 gives) can be
     * taken as the source port of some test's outgoing connection in the moment between our probe
     * and the program's own bind, and the program then dies with "Address already in use"; below
     * the range only an explicit bind competes for it. Nor is a port handed out again within a
     * minute, by this JVM or another one on the machine ({@link #CLAIMS}): tests that start
     * programs side by side would otherwise both find free the port the first program has not
     * bound yet.
     */
    public static synchronized int free() throws IOException {
        int ephemeralLow = ephemeralRangeStart();
        if (ephemeralLow > FIXED_PORTS_FROM + 1000) {
            int port = drawFrom(FIXED_PORTS_FROM, ephemeralLow - 1);
            if (port > 0) {
                return port;
            }
        }
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /**
     * A loopback port free right now between {@code low} and {@code high} (inclusive), for a program
     * that accepts only some ports (a grader's {@code --port-range}), with the same care as
     * {@link #free()}. A range inside the ephemeral range may lose a port to some connection's source
     * port in the moment before the program binds it: rare, and the program's own demand.
     */
    public static synchronized int freeIn(int low, int high) throws IOException {
        if (low < 1 || high > 65535 || low > high) {
            throw new IllegalArgumentException("not a port range: " + low + "-" + high);
        }
        int port = drawFrom(low, high);
        if (port <= 0) {
            throw new IOException("no free loopback port in " + low + "-" + high);
        }
        return port;
    }

    /** A free port drawn at random from low..high that nobody claimed a moment ago; 0 after 100 draws. */
    private static int drawFrom(int low, int high) {
        long now = System.nanoTime();
        HANDED_OUT.values().removeIf(claim -> now - claim.since() > HELD_FOR.toNanos() && claim.release());
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(low, high + 1);
            if (HANDED_OUT.containsKey(port)) {
                continue; // ours, a moment ago: its program may be about to bind it
            }
            FileLock lock = claimAcrossJvms(port);
            if (lock == null && !claimsUnavailable) {
                continue; // another JVM's, a moment ago
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(false);
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                HANDED_OUT.put(port, new Claim(now, lock));
                return port;
            } catch (IOException taken) {
                new Claim(now, lock).release(); // someone has it: draw another
            }
        }
        return 0;
    }

    /** This JVM's lock on the port's byte of {@link #CLAIMS}; null if another JVM holds it or there are no claims. */
    private static FileLock claimAcrossJvms(int port) {
        if (claimsUnavailable) {
            return null;
        }
        try {
            if (claims == null) {
                claims = FileChannel.open(CLAIMS, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            return claims.tryLock(port, 1, false);
        } catch (OverlappingFileLockException ours) {
            return null; // this JVM's already
        } catch (IOException | RuntimeException e) {
            claimsUnavailable = true; // no shared temporary directory: this JVM's own memory only
            return null;
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
