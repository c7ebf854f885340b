package transferlab.grading.program;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import transferlab.testkit.ServerUnderTest;
import transferlab.contract.SuiteScope;
import transferlab.testkit.TcpProxy;

/**
 * {@code --network lossy} and {@code --network hostile}: every connection of a test reaches the
 * server through a {@link TcpProxy}.
 *
 * <p>Lossy is a real poor network ({@link #FAULTS}): a small write arrives whole, as one segment
 * does; a large one in bursts of MSS-sized segments (1448 bytes, the MSS of a 1500-byte Ethernet
 * path), some cut short; a delay with jitter before each burst, a stall every 256 KiB, and now and
 * then a burst "lost" and sent again by TCP, which arrives up to 120 ms late. Each connection is
 * delayed on its own, so the bytes of connections open at once arrive in another order than they
 * were sent. Nothing is lost or reordered within a connection (TCP does not let that through).
 * A server that passes on loopback passes here, unless its bug is one a real network triggers:
 * content read with one recv(), a peer assumed prompt.
 *
 * <p>Hostile ({@link #HOSTILE_FAULTS}) is what no network does but the spec allows: the first 16
 * bytes each way one byte per segment, so a header read with one recv() gets one byte (that is
 * U4's matter, an extension), then segments of random size up to 16 KiB.
 */
public final class LossyNetwork {
    /** The MSS of an Ethernet path (1500 bytes less 52 of IP and TCP headers with timestamps). */
    static final int MSS = 1448;
    /** Before every burst: long beside loopback, short beside every wait of the suite. */
    static final Duration PIECE_DELAY = Duration.ofMillis(4);
    /** A real poor network ({@code --network lossy}); the delays are the simulated network, not waits of a test. */
    public static final TcpProxy.Faults FAULTS = TcpProxy.Faults.none()
            .segmentsOf(MSS, 11 * MSS, PIECE_DELAY)
            .withJitter(Duration.ofMillis(3))
            .stallEvery(256 * 1024, Duration.ofMillis(150))
            .losing(0.02, Duration.ofMillis(120));
    /**
     * The start of each direction one byte at a time ({@code --network hostile}). Not more: protocol U
     * ends a name when no byte came for 50 ms (U4), so every gap inside a header is a chance for a
     * loaded machine's pause to cut a correct server's name; sixteen single bytes keep them few.
     */
    static final long SINGLE_BYTES_FIRST = 16;
    /** {@code --network hostile}: one-byte segments first, then random ones. */
    public static final TcpProxy.Faults HOSTILE_FAULTS = TcpProxy.Faults.none()
            .singleBytesFirst(SINGLE_BYTES_FIRST)
            .randomPiecesUpTo(16 * 1024, PIECE_DELAY)
            .withJitter(Duration.ofMillis(2))
            .stallEvery(256 * 1024, Duration.ofMillis(150));

    private LossyNetwork() {
    }

    /** A proxy with {@code faults} in front of {@code server}, listening on the port it is given (0: any). */
    static Ports.Binder<TcpProxy> proxyTo(ServerUnderTest server, TcpProxy.Faults faults) {
        return port -> TcpProxy.startOn(port, server.address(), faults, Integer.MAX_VALUE);
    }

    /**
     * The server, reached through {@code proxy} ({@link #proxyTo}), closed with it; {@code
     * keepPortFree}: a connection the server closes first ends with a reset
     * ({@link TcpProxy#resettingTargetClosingFirst}), for a server on a fixed port.
     */
    static ServerUnderTest inFrontOf(ServerUnderTest server, TcpProxy proxy, boolean keepPortFree) {
        if (keepPortFree) {
            proxy.resettingTargetClosingFirst();
        }
        ServerUnderTest behind = new BehindProxy(server, proxy);
        return server instanceof SuiteScope.FixedLimits fixed
                ? new ServerWithOwnLimits(behind, fixed.fixedLimitsReason()) : behind;
    }

    private record BehindProxy(ServerUnderTest server, TcpProxy proxy) implements ServerUnderTest {
        @Override
        public InetSocketAddress address() {
            return proxy.address();
        }

        @Override
        public Optional<Path> directory() {
            return server.directory();
        }

        @Override
        public void close() {
            proxy.close();
            server.close();
        }
    }
}
