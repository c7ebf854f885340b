package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import transferlab.grading.program.CommandServer;
import transferlab.grading.program.ServerDidNotStart;
import transferlab.testkit.PythonPrograms;
import transferlab.testkit.ServerUnderTest;

/**
 * How long the grader waits for a server to listen on {port}: a server that does nothing (it waits
 * for input) is given up after 10 s; one still busy starting (using the CPU, as a JVM does on a
 * machine loaded with other gradings) is waited for longer. A CI run once failed a correct Java
 * server that took more than 10 s to start while four other test JVMs ran.
 */
@Execution(ExecutionMode.CONCURRENT) // each waits more than 10 s, mostly idle
class ServerStartTest {
    /** Spins for 11 s, longer than a silent server is waited for, and only then listens. */
    private static final String SLOW_STARTER = """
            import socket, sys, time
            end = time.monotonic() + 11
            while time.monotonic() < end:
                pass
            listener = socket.socket()
            listener.bind(("127.0.0.1", int(sys.argv[1])))
            listener.listen()
            time.sleep(60)
            """;

    @Test
    void aServerBusyStartingForLongerThanTenSecondsIsWaitedFor(@TempDir Path work) throws IOException {
        PythonPrograms.assumePython();
        Path program = Files.writeString(work.resolve("slow_starter.py"), SLOW_STARTER);
        long started = System.nanoTime();
        try (ServerUnderTest server = CommandServer.start("python3 " + program + " {port}",
                Files.createDirectories(work.resolve("served")), Files.createDirectories(work.resolve("logs")),
                Map.of());
             Socket connection = new Socket("127.0.0.1", server.address().getPort())) {
            assertThat(connection.isConnected()).isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("it listened only after its 11 s of work")
                .isGreaterThan(Duration.ofSeconds(10));
    }

    @Test
    void aServerThatWaitsForInputIsGivenUpAfterTenSeconds(@TempDir Path work) throws IOException {
        long started = System.nanoTime();
        assertThatThrownBy(() -> CommandServer.start("sleep 120", Files.createDirectories(work.resolve("served")),
                Files.createDirectories(work.resolve("logs")), Map.of()).close())
                .isInstanceOf(ServerDidNotStart.class)
                .hasMessageContaining("did not listen on port").hasMessageContaining("within 10 s")
                .hasMessageContaining("no CPU used");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("given up on at the 10 s, not the 30 s limit")
                .isLessThan(Duration.ofSeconds(25));
    }
}
