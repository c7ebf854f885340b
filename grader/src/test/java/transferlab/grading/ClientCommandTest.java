package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.grading.program.ClientCommand;
import transferlab.grading.program.CommandLineTemplate;

/**
 * A client runs in a fresh directory of its own; a program it names relatively is still found. And
 * it runs in a process group of its own: what it leaves running dies when its run ends (issue 10).
 */
class ClientCommandTest {
    @TempDir
    Path work;

    @Test
    void aProgramNamedRelativelyIsFoundFromTheGradersDirectory() {
        // Surefire runs in the grader module's directory, beside tests/python/ftclient_seed003.py.
        String anchored = CommandLineTemplate.anchoredToGraderDirectory(
                "python3 ../tests/python/ftclient_seed003.py {host} {port} {request} {dataport} -x not-a-file.py");

        assertThat(anchored).isEqualTo("python3 " + Path.of("../tests/python/ftclient_seed003.py").toAbsolutePath().normalize()
                + " {host} {port} {request} {dataport} -x not-a-file.py");
    }

    @Test
    void aChildTheClientStartsLateAndLeavesBehindDiesWithTheRun() throws Exception {
        Path pidFile = work.resolve("child.pid");
        // The child starts after a pause (later than any snapshot taken at the start) and outlives the client.
        ClientCommand.Invocation invocation = new ClientCommand.Invocation(
                Map.of("pidfile", List.of(pidFile.toString())), work);

        ClientCommand.Run run = ClientCommand.runOne(
                "(sleep 0.2; sleep 300 & echo $! > {pidfile}; wait) & while [ ! -s {pidfile} ]; do sleep 0.05; done",
                invocation, Files.createDirectories(work.resolve("logs")),
                // Unboxed: in a box the pid the child writes is the box's own, not the one the test can see
                // (SandboxTest shows that a box's leftovers die with it).
                transferlab.grading.program.Sandbox.Use.none("off"));

        assertThat(run.timedOut()).isFalse();
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)).as("the client's child %d (sleep 300), after its run", pid).isEmpty());
    }
}
