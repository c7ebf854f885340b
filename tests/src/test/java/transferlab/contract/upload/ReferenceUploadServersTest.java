package transferlab.contract.upload;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import transferlab.contract.OurServers;
import transferlab.eventloop.EventLoopUploadServer;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;
import transferlab.upload.UploadHandler;
import transferlab.upload.UploadLimits;
import transferlab.upload.UploadServers;

/**
 * Runs the {@link UploadContract} against each of our upload servers: one line per server.
 * Run it alone with {@code mvn -B -o -pl tests -am verify -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtest=ReferenceUploadServersTest}.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("servers")
class ReferenceUploadServersTest extends UploadContract {
    ReferenceUploadServersTest(UploadServerFactory server) {
        super(server);
    }

    static Stream<UploadServerFactory> servers() {
        return Stream.of(
                new UploadServerFactory("iterative", false, (dir, limits) -> OurServers.inProcess(
                        IterativeServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                                UploadHandler.into(dir, ours(limits), ServerLog.silent()), ServerLog.silent()),
                        dir, "iterative")),
                new UploadServerFactory("thread-per-client", true, (dir, limits) -> OurServers.inProcess(
                        UploadServers.threadPerClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                                dir, ours(limits), ServerLog.silent()), dir, "thread-per-client")),
                new UploadServerFactory("pool", true, (dir, limits) -> OurServers.inProcess(
                        UploadServers.pool(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                                dir, ours(limits), ServerLog.silent()), dir, "pool")),
                new UploadServerFactory("event-loop", true, (dir, limits) -> OurServers.inProcess(
                        EventLoopUploadServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                                dir, ours(limits), ServerLog.silent()), dir, "event-loop")));
    }

    /** The contract's limits as our servers' own. */
    static UploadLimits ours(UploadTestLimits limits) {
        return UploadLimits.defaults().withMaxContentBytes(limits.maxContentBytes())
                .withHeaderSettle(limits.headerSettle()).withIdleTimeout(limits.idleTimeout())
                .withTransferDeadline(limits.transferDeadline());
    }
}
