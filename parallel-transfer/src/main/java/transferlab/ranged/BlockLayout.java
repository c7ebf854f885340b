package transferlab.ranged;

/**
 * How protocol R cuts a file of {@code size} bytes into N = {@code blocks} blocks (R5; N is the
 * request's "threads"): the block size is B = size div N + 1, and block i is the bytes
 * [i·B, min(size, (i+1)·B)).
 *
 * <p>Because B is one more than the even share, the blocks always cover the file, and the last
 * block(s) may be shorter or empty: 10 bytes in 4 blocks gives B = 3 and blocks of 3, 3, 3 and 1;
 * 3 bytes in 4 blocks gives B = 1 and blocks of 1, 1, 1 and 0.
 *
 * <p>The arithmetic is exact: a size so large that S div N + 1 or N·B would not fit a {@code long}
 * is refused when the layout is made (a lying server once made a client's S div N + 1 overflow into
 * the server's own negative block size, so its check passed).
 */
public record BlockLayout(long size, int blocks) {
    public BlockLayout {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, was " + size);
        }
        if (blocks < RangedProtocol.MIN_BLOCKS || blocks > RangedProtocol.MAX_BLOCKS) {
            throw new IllegalArgumentException("blocks must be " + RangedProtocol.MIN_BLOCKS + ".."
                    + RangedProtocol.MAX_BLOCKS + ", was " + blocks);
        }
        try {
            Math.multiplyExact(Math.addExact(size / blocks, 1), blocks); // (N)·B, the largest product used
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("size " + size + " in " + blocks + " blocks overflows 64 bits");
        }
    }

    /** B = size div blocks + 1. */
    public long blockSize() {
        // BEGIN SOLUTION
        // TODO(stage3.1): the block size: one more than the size's even share per block — R5
        return size / blocks + 1;
        // END SOLUTION
    }

    /** The first byte of block {@code block}; {@code size} for an empty block past the end. */
    public long start(int block) {
        // BEGIN SOLUTION
        // TODO(stage3.1): the block's first byte: whole blocks before it, never past the end — R5
        return Math.min(size, block * blockSize());
        // END SOLUTION
    }

    /** One past the last byte of block {@code block}. */
    public long end(int block) {
        // BEGIN SOLUTION
        // TODO(stage3.1): one past the block's last byte, never past the end — R5
        return Math.min(size, (block + 1) * blockSize());
        // END SOLUTION
    }

    public long length(int block) {
        return end(block) - start(block);
    }
}
