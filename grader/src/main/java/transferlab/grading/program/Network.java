package transferlab.grading.program;

/**
 * What lies between the suite and the graded program ({@code --network}): nothing, or a proxy that
 * makes loopback behave like a poor network (see {@link CheckTarget} and resources/grading.md).
 */
public enum Network {
    /** Straight to the server, as the contracts are written. */
    DIRECT,
    /** Through a proxy that behaves like a poor real network: MSS-sized segments, delays, jitter, stalls. */
    LOSSY,
    /** Through a proxy that splits the first 16 bytes each way into 1-byte segments, as no real network does. */
    HOSTILE;

    /** picocli: {@code --network lossy}. */
    public static Network parse(String name) {
        for (Network network : values()) {
            if (network.name().equalsIgnoreCase(name)) {
                return network;
            }
        }
        throw new IllegalArgumentException("unknown network '" + name + "' (direct, lossy or hostile)");
    }
}
