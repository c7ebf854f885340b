package transferlab.ranged;

import java.time.Duration;

/**
 * The named limits of a ranged server (protocol R), with the defaults the command line uses.
 *
 * @param idleTimeout       a data connection that moves no byte this long is closed (a silent one
 *                          never gets its block), a data listener with no connection this long
 *                          closes, and a control request must be in whole within it
 * @param transferDeadline  the longest a data listener lives, and the longest one data connection may
 *                          take
 * @param ratePerConnection bytes per second per data connection; 0 = no limit (the default)
 * @param maxDataListeners  data listeners open at once; one more request is answered 503
 * @param maxDataThreads    threads sending blocks at once, over all listeners; more connections wait
 *                          in a queue of {@code maxQueuedConnections}, beyond it they are closed
 * @param maxQueuedConnections accepted data connections waiting for a thread
 * @param maxControlThreads threads answering control requests (one hashes a new file meanwhile)
 * @param maxRequestBodyBytes a longer control body is answered 400
 * @param maxListenersPerAddress data listeners open at once for one peer address; one more request
 *                          from it is answered 503 (vsftpd's {@code max_per_ip}: one host cannot take
 *                          every listener; raise it when many clients share an address behind NAT)
 * @param maxControlPerAddress control requests of one peer address being answered at once; its
 *                          further connections wait their turn (see {@link ControlPort})
 */
public record RangedLimits(Duration idleTimeout, Duration transferDeadline, long ratePerConnection,
                           int maxDataListeners, int maxDataThreads, int maxQueuedConnections,
                           int maxControlThreads, int maxRequestBodyBytes, int maxListenersPerAddress,
                           int maxControlPerAddress) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TRANSFER_DEADLINE = Duration.ofMinutes(15);
    public static final long DEFAULT_RATE_PER_CONNECTION = 0;
    public static final int DEFAULT_MAX_DATA_LISTENERS = 64;
    /** At least {@link RangedProtocol#MAX_BLOCKS}, so one client's 255 blocks all move at once. */
    public static final int DEFAULT_MAX_DATA_THREADS = 256;
    public static final int DEFAULT_MAX_QUEUED_CONNECTIONS = 4096;
    public static final int DEFAULT_MAX_CONTROL_THREADS = 16;
    public static final int DEFAULT_MAX_REQUEST_BODY_BYTES = 4096;
    /** A quarter of the listeners: sixteen clients of one address at once still fit (R17). */
    public static final int DEFAULT_MAX_LISTENERS_PER_ADDRESS = 16;
    /** Half the control threads: the other half stays for everyone else. */
    public static final int DEFAULT_MAX_CONTROL_PER_ADDRESS = DEFAULT_MAX_CONTROL_THREADS / 2;

    public RangedLimits {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || transferDeadline.isNegative()
                || transferDeadline.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: " + idleTimeout + ", " + transferDeadline);
        }
        if (ratePerConnection < 0) {
            throw new IllegalArgumentException("ratePerConnection must be >= 0 (0 = no limit), was "
                    + ratePerConnection);
        }
        if (maxDataListeners < 1 || maxDataThreads < 1 || maxQueuedConnections < 1 || maxControlThreads < 1
                || maxRequestBodyBytes < 16 || maxListenersPerAddress < 1 || maxControlPerAddress < 1) {
            throw new IllegalArgumentException("limits must be positive: listeners " + maxDataListeners
                    + ", data threads " + maxDataThreads + ", queue " + maxQueuedConnections
                    + ", control threads " + maxControlThreads + ", body bytes " + maxRequestBodyBytes
                    + ", per address " + maxListenersPerAddress + " listeners and " + maxControlPerAddress
                    + " requests");
        }
    }

    public static RangedLimits defaults() {
        return new RangedLimits(DEFAULT_IDLE_TIMEOUT, DEFAULT_TRANSFER_DEADLINE, DEFAULT_RATE_PER_CONNECTION,
                DEFAULT_MAX_DATA_LISTENERS, DEFAULT_MAX_DATA_THREADS, DEFAULT_MAX_QUEUED_CONNECTIONS,
                DEFAULT_MAX_CONTROL_THREADS, DEFAULT_MAX_REQUEST_BODY_BYTES, DEFAULT_MAX_LISTENERS_PER_ADDRESS,
                DEFAULT_MAX_CONTROL_PER_ADDRESS);
    }

    public RangedLimits withIdleTimeout(Duration value) {
        return new RangedLimits(value, transferDeadline, ratePerConnection, maxDataListeners, maxDataThreads,
                maxQueuedConnections, maxControlThreads, maxRequestBodyBytes, maxListenersPerAddress,
                maxControlPerAddress);
    }

    public RangedLimits withTransferDeadline(Duration value) {
        return new RangedLimits(idleTimeout, value, ratePerConnection, maxDataListeners, maxDataThreads,
                maxQueuedConnections, maxControlThreads, maxRequestBodyBytes, maxListenersPerAddress,
                maxControlPerAddress);
    }

    public RangedLimits withRatePerConnection(long value) {
        return new RangedLimits(idleTimeout, transferDeadline, value, maxDataListeners, maxDataThreads,
                maxQueuedConnections, maxControlThreads, maxRequestBodyBytes, maxListenersPerAddress,
                maxControlPerAddress);
    }

    public RangedLimits withMaxDataListeners(int value) {
        return new RangedLimits(idleTimeout, transferDeadline, ratePerConnection, value, maxDataThreads,
                maxQueuedConnections, maxControlThreads, maxRequestBodyBytes, maxListenersPerAddress,
                maxControlPerAddress);
    }

    public RangedLimits withMaxDataThreads(int value) {
        return new RangedLimits(idleTimeout, transferDeadline, ratePerConnection, maxDataListeners, value,
                maxQueuedConnections, maxControlThreads, maxRequestBodyBytes, maxListenersPerAddress,
                maxControlPerAddress);
    }

    public RangedLimits withMaxListenersPerAddress(int value) {
        return new RangedLimits(idleTimeout, transferDeadline, ratePerConnection, maxDataListeners, maxDataThreads,
                maxQueuedConnections, maxControlThreads, maxRequestBodyBytes, value, maxControlPerAddress);
    }

    public RangedLimits withMaxControlPerAddress(int value) {
        return new RangedLimits(idleTimeout, transferDeadline, ratePerConnection, maxDataListeners, maxDataThreads,
                maxQueuedConnections, maxControlThreads, maxRequestBodyBytes, maxListenersPerAddress, value);
    }
}
