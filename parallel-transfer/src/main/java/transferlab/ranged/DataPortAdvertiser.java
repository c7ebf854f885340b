package transferlab.ranged;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Which port the 200 reply names for a new data listener. Normally the listener's own port; tests put
 * a fault-injecting proxy in front of it and advertise the proxy's port instead, so that the client
 * really goes through it.
 */
@FunctionalInterface
public interface DataPortAdvertiser {
    DataPortAdvertiser DIRECT = InetSocketAddress::getPort;

    int portFor(InetSocketAddress dataListener) throws IOException;
}
