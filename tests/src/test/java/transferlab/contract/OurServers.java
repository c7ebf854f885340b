package transferlab.contract;

import java.nio.file.Path;
import transferlab.server.TcpServer;
import transferlab.testkit.InProcessServer;

/** Our own servers under the contracts: any stage's {@link TcpServer}, serving in the test JVM. */
public final class OurServers {
    private OurServers() {
    }

    /** Serves {@code server} on a thread named after {@code name}; closing the result closes the server. */
    public static InProcessServer inProcess(TcpServer server, Path directory, String name) {
        return InProcessServer.serve(name, directory, server.address(), server::serve, server);
    }
}
