package transferlab.ranged;

import java.util.SplittableRandom;

/** Reproducible random test content. */
final class RangedContractBytes {
    private RangedContractBytes() {
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; ) {
            long word = random.nextLong();
            for (int k = 0; k < 8 && i < size; k++, word >>>= 8) {
                bytes[i++] = (byte) word;
            }
        }
        return bytes;
    }
}
