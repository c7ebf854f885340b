package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import transferlab.contract.Requirement;
import transferlab.contract.ServerUnderTest;
import transferlab.contract.SuiteTimeouts;
import transferlab.contract.update.UpdateContract;

/**
 * The protocol D contract, run by {@code ./transfer check update} against a server started from
 * {@code --server-cmd "... {port} {dir}"}, where {@code {dir}} is the outbox the suite fills with
 * client queues. {@code {idle-timeout}} (seconds) gives the server the idle timeout the suite
 * expects; without it the server is assumed to keep {@link #OWN_IDLE_TIMEOUT}.
 * With {@code --target} nothing applies: the suite must put files into the outbox.
 *
 * <p>It adds one test the contract lacks, which belongs in {@link UpdateContract}: the core
 * requirements D1-D3 judged as seed 002 has them (poll, offer, bytes), without our ack and hash
 * rules; the contract's tests of D1-D3 also check extensions, so a core-only grading could not
 * judge them. (Its raw frame I/O is written here because {@code RawUpdateConnection} is package-private.)
 */
public final class ExternalUpdateCheck extends UpdateContract {
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration OWN_IDLE_TIMEOUT = Duration.ofSeconds(30);

    @Override
    protected ServerUnderTest startServer(Path outbox) {
        CheckTarget target = CheckTarget.current();
        if (target.kind() == CheckTarget.Kind.RUNNING_SERVER) {
            throw new TestAbortedException("protocol D is graded only with --server-cmd: the suite puts files into "
                    + "the outbox {dir} and checks what each client is offered");
        }
        return target.startServer(outbox,
                Map.of("idle-timeout", ExternalUploadCheck.seconds(SuiteTimeouts.scaled(IDLE_TIMEOUT))));
    }

    /** D1, D2, D3 as the seed has them: a framed poll gets a framed offer and exactly file-size bytes. */
    @Test
    @Requirement({"D1", "D2", "D3"})
    void aPollGetsAFramedOfferAndExactlyTheFileBytes() throws Exception {
        byte[] content = randomBytes(70_000, 41);
        queue("erin", "seed.bin", content);
        try (Socket socket = new Socket()) {
            socket.connect(server.address(), (int) answerTimeout().toMillis());
            socket.setSoTimeout((int) answerTimeout().toMillis());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            byte[] poll = "{\"client-id\": \"erin\", \"request-type\": \"poll\"}".getBytes(StandardCharsets.UTF_8);
            out.writeShort(poll.length);
            out.write(poll);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] header = new byte[in.readUnsignedShort()];
            in.readFully(header);
            JsonNode offer = new ObjectMapper().readTree(header);
            assertThat(offer.path("file-name").asText()).as("the offer %s", offer).isEqualTo("seed.bin");
            assertThat(offer.path("file-size").asLong()).as("the offer %s", offer).isEqualTo(content.length);
            byte[] payload = new byte[content.length];
            in.readFully(payload);
            assertThat(payload).as("the %d bytes after the offer", content.length).isEqualTo(content);
        }
    }

    @Override
    protected Duration idleTimeout() {
        String command = CheckTarget.current().command();
        return command != null && CommandLineTemplate.uses(command, "idle-timeout")
                ? SuiteTimeouts.scaled(IDLE_TIMEOUT) : OWN_IDLE_TIMEOUT;
    }

    @Override
    protected Duration answerTimeout() {
        return SuiteTimeouts.scaled(super.answerTimeout());
    }
}
