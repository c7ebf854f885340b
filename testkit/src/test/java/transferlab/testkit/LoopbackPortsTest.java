package transferlab.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    @Test
    void aPortIsFreeToBindAndLiesBelowTheKernelsOwnRange() throws Exception {
        assumeTrue(Files.isReadable(RANGE), "no Linux port range to compare with");
        int ephemeralLow = Integer.parseInt(Files.readAllLines(RANGE).get(0).trim().split("\\s+")[0]);
        assumeTrue(ephemeralLow > 21000, "the ephemeral range starts too low to keep ours below it");
        for (int i = 0; i < 20; i++) {
            int port = LoopbackPorts.free();
            assertThat(port).isBetween(20000, ephemeralLow - 1);
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                assertThat(server.getLocalPort()).isEqualTo(port);
            }
        }
    }

    /** Programs started side by side (the grader's self-tests run several at once) never get one port twice. */
    @Test
    void aPortHandedOutIsNotHandedOutAgainBeforeItsProgramCouldBindIt() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            assertThat(ports.add(LoopbackPorts.free())).as("port handed out twice within a minute").isTrue();
        }
    }

    /** Other JVMs on the machine (surefire's forks) see the port claimed: its byte of the claims file is locked. */
    @Test
    void aPortHandedOutIsClaimedForOtherJvmsToo() throws Exception {
        int port = LoopbackPorts.free();
        Path claims = Path.of(System.getProperty("java.io.tmpdir"), "transferlab-ports.lock");
        assumeTrue(Files.isWritable(claims), "no claims file here");
        try (FileChannel channel = FileChannel.open(claims, StandardOpenOption.WRITE)) {
            // A second lock on the byte from this JVM is refused outright; another JVM's tryLock returns null.
            assertThatThrownBy(() -> channel.tryLock(port, 1, false)).isInstanceOf(OverlappingFileLockException.class);
        }
    }
}
