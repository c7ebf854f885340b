package transferlab.ranged;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;
import transferlab.storage.Hashes;

/**
 * Computes the MD5 of a file while its blocks are still arriving, by following the contiguous prefix:
 * whenever more bytes from the start are in, it reads them back (from the page cache) and hashes them.
 * It reads into a direct buffer: the JDK would read a heap buffer through a temporary direct one and copy.
 *
 * <p>Why: MD5 is the slowest step of a verified download here (about 850 MB/s with the JDK's MD5
 * intrinsic, slower than loopback TCP). Block 0 arrives from the start, so most of the hashing
 * overlaps the transfer, and only the part received after block 0 finished is left to hash at the end.
 */
final class PrefixHasher {
    /** Bytes read back per step. */
    static final int READ_BYTES = 1 << 20;
    /** How often a waiting hasher checks that someone is still receiving: no wait is unbounded. */
    static final long CHECK_NANOS = 1_000_000_000L;

    private final FileChannel file;
    private final ReceivedBytes received;
    private final long size;
    private final BooleanSupplier receiving;

    /** @param receiving whether any receiving thread still runs: when none does, no more bytes will come */
    PrefixHasher(FileChannel file, ReceivedBytes received, long size, BooleanSupplier receiving) {
        this.file = file;
        this.received = received;
        this.size = size;
        this.receiving = receiving;
    }

    /** Hashes bytes [0, size) as they arrive; returns the hex MD5, or null if the download failed first. */
    String md5Hex() throws IOException, InterruptedException {
        // BEGIN SOLUTION
        // TODO(stage3.3): the running MD5: hash the contiguous prefix while the blocks still arrive — R6, R16
        // STUB: throw new IOException("TODO(stage3.3): the running MD5 of the file being received");
        MessageDigest md5 = Hashes.md5();
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES); // a heap buffer costs a copy more
        long hashed = 0;
        while (hashed < size) {
            long prefix = received.awaitPrefixBeyond(hashed, CHECK_NANOS);
            if (received.failure() != null) {
                return null;
            }
            if (prefix <= hashed && !receiving.getAsBoolean() && received.contiguousPrefix() <= hashed) {
                throw new IOException("every receiving thread ended, but bytes from " + hashed + " on never came");
            }
            while (hashed < prefix) {
                buffer.clear().limit((int) Math.min(READ_BYTES, prefix - hashed));
                int n = file.read(buffer, hashed);
                if (n <= 0) {
                    throw new IOException("could not read back byte " + hashed + " of the file being received");
                }
                md5.update(buffer.flip());
                hashed += n;
            }
        }
        return Hashes.hex(md5.digest());
        // END SOLUTION
    }
}
