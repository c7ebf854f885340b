package transferlab.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many connections each peer address holds, so that one host cannot take every slot of a server
 * (issue 11, item 6; vsftpd's {@code max_per_ip}, nginx's {@code limit_conn}). A connection over the
 * limit is turned away with the protocol's busy answer, as when the server is full, while everybody
 * else is served. Thread-safe: blocking servers count on their accept thread and release on the
 * client's thread.
 */
public final class ConnectionsPerAddress {
    private final int max;
    private final ConnectionHandler busy;
    private final ConcurrentHashMap<InetAddress, Integer> held = new ConcurrentHashMap<>();

    /** At most {@code max} connections per address; {@code busy} writes the protocol's refusal. */
    public ConnectionsPerAddress(int max, ConnectionHandler busy) {
        if (max < 1) {
            throw new IllegalArgumentException("the limit per address must be >= 1, was " + max);
        }
        this.max = max;
        this.busy = busy;
    }

    public int max() {
        return max;
    }

    /** Counts one more connection from {@code peer}, unless it holds {@link #max()} already: then false. */
    public boolean tryAdd(SocketAddress peer) {
        boolean[] added = {false};
        held.compute(address(peer), (address, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            added[0] = true;
            return now + 1;
        });
        return added[0];
    }

    /** One connection from {@code peer} ended. */
    public void remove(SocketAddress peer) {
        held.computeIfPresent(address(peer), (address, count) -> count <= 1 ? null : count - 1);
    }

    /** Turns away a connection over the limit with the busy answer; for the blocking servers. */
    void refuse(Socket connection, ServerLog log) {
        BusyRefusal.refuse(connection, busy, log, "more than " + max + " connections from this address");
    }

    private static InetAddress address(SocketAddress peer) {
        return ((InetSocketAddress) peer).getAddress();
    }
}
