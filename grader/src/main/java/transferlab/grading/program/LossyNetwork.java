package transferlab.grading.program;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import transferlab.testkit.ServerUnderTest;
import transferlab.contract.SuiteScope;
import transferlab.testkit.TcpProxy;

/**
 * {@code --network lossy}: every connection of a test reaches the server through a {@link TcpProxy}
 * that behaves like a poor network, as MIT 6.5840's unreliable network does for its labs: bytes
 * arrive one per segment at first (the first 16 bytes each way), then in segments of random size,
 * each after a small delay with jitter, and every 256 KiB the stream stalls for 150 ms.
 * Nothing is lost or reordered (TCP does not let that through); what breaks is a program that
 * assumes one recv() returns one send(), or that the peer is prompt.
 */
public final class LossyNetwork {
    /**
     * The start of each direction (a header's size and first name bytes, a reply's first bytes),
     * where "one recv() is one message" bugs live, comes one byte at a time. Not more: protocol U
     * ends a name when no byte came for 50 ms (U4), so every gap inside a header is a chance for a
     * loaded machine's pause to cut a correct server's name; sixteen single bytes keep them few.
     */
    static final long SINGLE_BYTES_FIRST = 16;
    /**
     * Before every segment. Long enough that a server reading a header with one recv() is not
     * rescued by a late recv that finds eight bytes waiting; short beside U4's 50 ms settle window.
     */
    static final Duration PIECE_DELAY = Duration.ofMillis(4);
    /** What the proxy does to each connection; the delays are the simulated network, not waits of a test. */
    public static final TcpProxy.Faults FAULTS = TcpProxy.Faults.none()
            .singleBytesFirst(SINGLE_BYTES_FIRST)
            .randomPiecesUpTo(16 * 1024, PIECE_DELAY)
            .withJitter(Duration.ofMillis(2))
            .stallEvery(256 * 1024, Duration.ofMillis(150));

    private LossyNetwork() {
    }

    /** The server, reached through a lossy proxy that is closed with it. */
    static ServerUnderTest inFrontOf(ServerUnderTest server) {
        TcpProxy proxy;
        try {
            proxy = TcpProxy.start(server.address(), FAULTS);
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(e);
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
