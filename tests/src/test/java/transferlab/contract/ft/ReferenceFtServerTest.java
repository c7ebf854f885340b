package transferlab.contract.ft;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import transferlab.contract.OurServers;
import transferlab.testkit.ServerUnderTest;
import transferlab.ft.FtHandler;
import transferlab.ft.FtLimits;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;

/** Protocol F's contract against stage 1's reference: {@link FtHandler} under the {@link IterativeServer}. */
class ReferenceFtServerTest extends FtContract {
    /** Short, so that the silent-client test takes half a second rather than the default 30. */
    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(500);

    @Override
    protected ServerUnderTest startServer(Path servedDirectory) throws Exception {
        FtLimits limits = FtLimits.defaults().withIdleTimeout(IDLE_TIMEOUT);
        FtHandler handler = FtHandler.serving(servedDirectory, limits, ServerLog.silent());
        IterativeServer server = IterativeServer.bind(new InetSocketAddress("127.0.0.1", 0), handler,
                ServerLog.silent());
        return OurServers.inProcess(server, servedDirectory, "ft-iterative");
    }

    @Override
    protected Duration serverIdleTimeout() {
        return IDLE_TIMEOUT;
    }
}
