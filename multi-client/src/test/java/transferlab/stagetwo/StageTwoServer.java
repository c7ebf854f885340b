package transferlab.stagetwo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntSupplier;
import transferlab.eventloop.EventLoopUploadServer;
import transferlab.server.PooledServer;
import transferlab.server.ServerLog;
import transferlab.server.TcpServer;
import transferlab.server.ThreadPerClientServer;
import transferlab.testkit.InProcessServer;
import transferlab.upload.UploadLimits;
import transferlab.upload.UploadServers;

/** The three concurrent upload servers of stage 2, each started the way the shared contract lists it. */
public enum StageTwoServer {
    THREAD_PER_CLIENT("thread-per-client") {
        @Override
        public InProcessServer start(Path directory, UploadLimits limits) throws IOException {
            ThreadPerClientServer server = UploadServers.threadPerClient(ANY_PORT, directory, limits,
                    ServerLog.silent());
            return running(server, directory, server::activeConnections, name);
        }
    },
    POOL("pool") {
        @Override
        public InProcessServer start(Path directory, UploadLimits limits) throws IOException {
            PooledServer server = UploadServers.pool(ANY_PORT, directory, limits, ServerLog.silent());
            return running(server, directory, server::activeWorkers, name);
        }
    },
    EVENT_LOOP("event-loop") {
        @Override
        public InProcessServer start(Path directory, UploadLimits limits) throws IOException {
            EventLoopUploadServer server = EventLoopUploadServer.bind(ANY_PORT, directory, limits, ServerLog.silent());
            return running(server, directory, server::openConnections, name);
        }
    };

    static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
    final String name;

    StageTwoServer(String name) {
        this.name = name;
    }

    public abstract InProcessServer start(Path directory, UploadLimits limits) throws IOException;

    /**
     * Any stage 2 server serving in the test JVM, with the one number the limit tests watch: how
     * many connections (threads, workers or loop keys) it holds right now.
     */
    public static InProcessServer running(TcpServer server, Path directory, IntSupplier held, String name) {
        return InProcessServer.serve(name, directory, server.address(), server::serve, server).counting(held);
    }

    public static List<StageTwoServer> all() {
        return List.of(values());
    }

    @Override
    public String toString() {
        return name;
    }
}
