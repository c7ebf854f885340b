package transferlab.contract.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import transferlab.contract.OurServers;
import transferlab.testkit.Requirement;
import transferlab.testkit.ServerUnderTest;
import transferlab.server.ServerLog;
import transferlab.update.UpdateLimits;
import transferlab.update.UpdateServer;
import transferlab.testkit.RawUpdateConnection;

/** The protocol D contract against our event-loop {@link UpdateServer}, in-process, with a short idle timeout. */
class ReferenceUpdateServerTest extends UpdateContract {
    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(1500);
    private final List<String> logLines = new CopyOnWriteArrayList<>();

    @Override
    protected ServerUnderTest startServer(Path outbox) throws Exception {
        UpdateLimits limits = UpdateLimits.defaults().withIdleTimeout(IDLE_TIMEOUT);
        UpdateServer server = UpdateServer.bind(new InetSocketAddress("127.0.0.1", 0), outbox, limits,
                new ServerLog(logLines::add));
        return OurServers.inProcess(server, outbox, "update");
    }

    @Override
    protected Duration idleTimeout() {
        return IDLE_TIMEOUT;
    }

    @Override
    protected int maxRequestBytes() {
        return UpdateLimits.DEFAULT_MAX_REQUEST_BYTES;
    }

    @Test
    @Requirement({"D6"})
    void aBadFrameIsLoggedWithThePeerAndTheReason() throws Exception {
        try (RawUpdateConnection bad = connect()) {
            bad.send(RawUpdateConnection.frame("{\"client-id\": \"x\", \"request-type\": \"delete\"}"));
            assertThat(bad.closedWithoutAByte()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(logLines)
                .anySatisfy(line -> assertThat(line).startsWith("127.0.0.1:")
                        .contains("bad frame").contains("unknown request type 'delete'")));
    }
}
