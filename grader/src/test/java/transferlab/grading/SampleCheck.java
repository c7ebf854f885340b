package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import transferlab.contract.Timeline;
import transferlab.testkit.Requirement;
import transferlab.testkit.ServerUnderTest;
import transferlab.grading.program.CheckTarget;

/**
 * A tiny contract for the runner's own tests (SuiteRunnerTest): one test per kind of outcome,
 * against whatever target the runner sets. Not a real contract; not run by Surefire on its own.
 */
@ExtendWith(CheckRunExtension.class)
class SampleCheck {
    private final CheckTarget target;

    @TempDir
    Path directory;
    ServerUnderTest server;
    Timeline timeline;

    SampleCheck(CheckTarget target) {
        this.target = target;
    }

    @BeforeEach
    void start(TestReporter reporter) {
        timeline = new Timeline(reporter);
        server = target.startServer(directory);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    @Requirement("U1")
    void goAheadAfterAHeader() throws IOException {
        assertThat(reply(header(3, "a.txt"), 8)).isEqualTo("go ahead");
    }

    @ParameterizedTest
    @ValueSource(strings = {"b.txt", "c.txt"})
    @Requirement("U1")
    void goAheadForEveryName(String name) throws IOException {
        assertThat(reply(header(3, name), 8)).isEqualTo("go ahead");
    }

    @Test
    @Requirement("U2")
    void aFailingExpectation() throws IOException {
        timeline.note("sent the header of d.txt (size 3)");
        String reply = reply(header(3, "d.txt"), 8);
        timeline.note("read the reply '%s'", reply);
        assertThat(reply).as("the reply to a header").isEqualTo("go away!");
    }

    @Test
    @Requirement("U3")
    void needsSomethingAbsent() {
        assumeTrue(false, "needs something this target lacks");
    }

    @Test
    @Requirement("U4")
    void anExtension() throws IOException {
        assertThat(reply(header(3, "e.txt"), 8)).isEqualTo("go ahead");
    }

    @Test
    void citesNothing() {
        assertThat(1).isEqualTo(1);
    }

    private String reply(byte[] header, int length) throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(header);
            out.flush();
            byte[] reply = new byte[length];
            new DataInputStream(socket.getInputStream()).readFully(reply);
            return new String(reply, StandardCharsets.US_ASCII);
        }
    }

    private static byte[] header(long size, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + nameBytes.length).putLong(size).put(nameBytes).array();
    }
}
