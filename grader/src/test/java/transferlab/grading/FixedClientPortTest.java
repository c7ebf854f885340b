package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.grading.program.CommandServer;
import transferlab.grading.program.Network;
import transferlab.grading.program.Ports;
import transferlab.testkit.LoopbackPorts;
import transferlab.testkit.PythonPrograms;

/**
 * Our listener on a graded client's fixed port ({@code --client-port}) waits while something else
 * holds the port, instead of failing the test: a CI run once lost U3 of a correct fixed-port client
 * to "BindException: Address already in use" at the start of one test, the tests before and after
 * it passing. The wait is in the run's warnings, with the holder.
 */
class FixedClientPortTest {
    @Test
    void aHeldPortIsTakenOnceItsHolderLetsGoAndTheWarningNamesTheHolder(@TempDir Path logs) throws Exception {
        int port = LoopbackPorts.free();
        AtomicInteger attempts = new AtomicInteger();
        try (ServerSocket holder = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<ServerSocket> ours = CompletableFuture.supplyAsync(() -> {
                try {
                    return Ports.bindWhenFree(port, logs, free -> {
                        attempts.incrementAndGet();
                        return new ServerSocket(free, 50, InetAddress.getLoopbackAddress());
                    });
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 2); // refused, and tried again
            assertThat(ours).isNotDone();
            holder.close();
            try (ServerSocket bound = ours.get(10, TimeUnit.SECONDS)) {
                assertThat(bound.getLocalPort()).isEqualTo(port);
            }
        }
        assertThat(CommandServer.portsHeld(logs)).singleElement().asString()
                .contains("port " + port + " (--client-port) was held (pid " + ProcessHandle.current().pid())
                .contains("before our listener could take it");
    }

    /**
     * Over {@code --network lossy} the lossy proxy in front of our ranged server takes the fixed
     * port (the ranged check's reference server sits behind it): the same wait, and a good client
     * whose address is fixed in its command keeps its points.
     */
    @Test
    void overALossyNetworkAGoodRangedClientOnAFixedPortKeepsItsPoints() throws Exception {
        PythonPrograms.assumePython();
        int port = LoopbackPorts.free();
        String command = PythonPrograms.interpreter() + " " + PythonPrograms.mutant("good_ranged_client.py")
                + " 127.0.0.1:" + port + " {threads} {file} {ofile}";

        CheckResult result = SuiteRunner.run(new CheckPlan(Protocol.RANGED, CheckPlan.TargetSpec.clientCommand(command),
                false, 1, PointsTable.defaults(), Set.of("R6")).withPorts(Ports.ANY.withClient(port))
                .withNetwork(Network.LOSSY));

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", MutantsAreCaughtTest.report(result))
                .containsExactly("R6");
    }

    @Test
    void aFreePortIsBoundAtOnceWithNoWarning(@TempDir Path logs) throws Exception {
        int port = LoopbackPorts.free();
        try (ServerSocket bound = Ports.bindWhenFree(port, logs,
                free -> new ServerSocket(free, 50, InetAddress.getLoopbackAddress()))) {
            assertThat(bound.getLocalPort()).isEqualTo(port);
        }
        assertThat(CommandServer.portsHeld(logs)).isEmpty();
    }
}
