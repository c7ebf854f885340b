package transferlab.update;

import java.time.Duration;

/**
 * The named limits of an update server, with the defaults the command line uses.
 *
 * @param maxRequestBytes  the longest JSON header a client may send (a poll or an ack is well under
 *                         200 bytes); a longer frame closes the connection before its bytes are read
 * @param idleTimeout      how long a connection may make no progress in either direction (the client
 *                         sends nothing, or takes none of the file) before it is closed
 * @param exchangeDeadline the longest one exchange may take: from the connection to the first offer,
 *                         and from each offer to its ack
 * @param maxConnections   how many connections are served at once; more are closed at accept
 * @param maxPerAddress    how many of them may come from one peer address; more are closed at accept
 */
public record UpdateLimits(int maxRequestBytes, Duration idleTimeout, Duration exchangeDeadline, int maxConnections,
                           int maxPerAddress) {
    public static final int DEFAULT_MAX_REQUEST_BYTES = 16 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_EXCHANGE_DEADLINE = Duration.ofMinutes(15);
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** One host may not hold every slot (issue 11): a sixteenth of them, as for uploads. */
    public static final int DEFAULT_MAX_PER_ADDRESS = 64;

    public UpdateLimits {
        if (maxRequestBytes < 1 || maxRequestBytes > UpdateFrame.MAX_WIRE_LENGTH) {
            throw new IllegalArgumentException("maxRequestBytes must be 1.." + UpdateFrame.MAX_WIRE_LENGTH
                    + ", was " + maxRequestBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || exchangeDeadline.isNegative()
                || exchangeDeadline.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: idle " + idleTimeout
                    + ", deadline " + exchangeDeadline);
        }
        if (maxConnections < 1 || maxPerAddress < 1) {
            throw new IllegalArgumentException("maxConnections and maxPerAddress must be >= 1, were "
                    + maxConnections + ", " + maxPerAddress);
        }
    }

    public static UpdateLimits defaults() {
        return new UpdateLimits(DEFAULT_MAX_REQUEST_BYTES, DEFAULT_IDLE_TIMEOUT, DEFAULT_EXCHANGE_DEADLINE,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PER_ADDRESS);
    }

    public UpdateLimits withMaxRequestBytes(int value) {
        return new UpdateLimits(value, idleTimeout, exchangeDeadline, maxConnections, maxPerAddress);
    }

    public UpdateLimits withIdleTimeout(Duration value) {
        return new UpdateLimits(maxRequestBytes, value, exchangeDeadline, maxConnections, maxPerAddress);
    }

    public UpdateLimits withExchangeDeadline(Duration value) {
        return new UpdateLimits(maxRequestBytes, idleTimeout, value, maxConnections, maxPerAddress);
    }

    public UpdateLimits withMaxConnections(int value) {
        return new UpdateLimits(maxRequestBytes, idleTimeout, exchangeDeadline, value, maxPerAddress);
    }

    public UpdateLimits withMaxPerAddress(int value) {
        return new UpdateLimits(maxRequestBytes, idleTimeout, exchangeDeadline, maxConnections, value);
    }
}
