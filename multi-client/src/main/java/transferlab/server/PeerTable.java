package transferlab.server;

import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An event loop's open connections with each one's peer address, so that a connection that leaves
 * — closed by its state machine, or by a timer — also leaves its address's count in
 * {@link ConnectionsPerAddress}. Used by the loop's thread only.
 */
public final class PeerTable<C> {
    private final Map<C, SocketAddress> peers = new HashMap<>();
    private final ConnectionsPerAddress perAddress;

    public PeerTable(ConnectionsPerAddress perAddress) {
        this.perAddress = perAddress;
    }

    /** A connection whose peer {@link ConnectionsPerAddress#tryAdd} has already counted. */
    public void add(C connection, SocketAddress peer) {
        peers.put(connection, peer);
    }

    /** A closed connection leaves the table, and its address's count. */
    public void forget(C connection) {
        SocketAddress peer = peers.remove(connection);
        if (peer != null) {
            perAddress.remove(peer);
        }
    }

    /** The same for every connection that is closed now (the timers close them off the table). */
    public void forgetClosed(Predicate<C> isClosed) {
        peers.entrySet().removeIf(entry -> {
            if (isClosed.test(entry.getKey())) {
                perAddress.remove(entry.getValue());
                return true;
            }
            return false;
        });
    }

    /** The loop has stopped: every connection is gone. */
    public void clear() {
        peers.clear();
    }
}
