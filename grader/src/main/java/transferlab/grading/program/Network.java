package transferlab.grading.program;

/**
 * What lies between the suite and the graded program ({@code --network}): nothing, or a proxy that
 * makes loopback behave like a poor network (see {@link CheckTarget} and resources/grading.md).
 */
public enum Network {
    /** Straight to the server, as the contracts are written. */
    DIRECT,
    /** Through a proxy with delays, jitter, 1-byte segments and short stalls on every connection. */
    LOSSY;

    /** picocli: {@code --network lossy}. */
    public static Network parse(String name) {
        for (Network network : values()) {
            if (network.name().equalsIgnoreCase(name)) {
                return network;
            }
        }
        throw new IllegalArgumentException("unknown network '" + name + "' (direct or lossy)");
    }
}
