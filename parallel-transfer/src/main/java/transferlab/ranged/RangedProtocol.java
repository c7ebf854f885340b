package transferlab.ranged;

/**
 * The constants of protocol R (resources/protocols/ranged.md), the ranged parallel download of seed 000.
 */
public final class RangedProtocol {
    /** Fewest blocks a client may ask for. */
    public static final int MIN_BLOCKS = 1;
    /** Most blocks: the block number travels as one unsigned byte, so 0..254 are the ids of 255 blocks. */
    public static final int MAX_BLOCKS = 255;
    /**
     * The JSON field of the request body (and of our reply's extras): N, the number of blocks. The
     * seed named it "threads" because its client opens one connection (a thread) per block; ours may
     * ask for more blocks than it opens connections (--blocks-per-connection).
     */
    public static final String THREADS_FIELD = "threads";

    private RangedProtocol() {
    }
}
