package transferlab.contract.ranged;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.OptionalInt;
import transferlab.contract.OurServers;
import transferlab.testkit.ServerUnderTest;
import transferlab.ranged.RangedServer;
import transferlab.ranged.RangedLimits;
import transferlab.server.ServerLog;
import transferlab.storage.ServedDirectory;

/** Protocol R's contract against our {@link RangedServer}, in-process, so its data listeners can be counted. */
class ReferenceRangedServerTest extends RangedContract {
    private RangedServer rangedServer;

    @Override
    protected ServerUnderTest startServer(Path root) throws Exception {
        rangedServer = RangedServer.bind(new InetSocketAddress("127.0.0.1", 0), new ServedDirectory(root),
                RangedLimits.defaults(), ServerLog.silent());
        return OurServers.inProcess(rangedServer, root, "ranged");
    }

    @Override
    protected OptionalInt openDataListeners(ServerUnderTest server) {
        return OptionalInt.of(rangedServer.openDataListeners());
    }
}
