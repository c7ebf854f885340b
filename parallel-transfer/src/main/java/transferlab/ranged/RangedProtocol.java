package transferlab.ranged;

/**
 * The constants of protocol R (resources/protocols/ranged.md), the ranged parallel download of seed 000.
 */
public final class RangedProtocol {
    /** Fewest connections a client may ask for. */
    public static final int MIN_THREADS = 1;
    /** Most connections: the block number travels as one unsigned byte, so 0..254 are the ids of 255 blocks. */
    public static final int MAX_THREADS = 255;
    /** The JSON field of the request body. */
    public static final String THREADS_FIELD = "threads";

    private RangedProtocol() {
    }
}
