package transferlab.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Generates sample files of random bytes for the demos: fast, and different for every seed. */
public final class SampleFiles {
    private SampleFiles() {
    }

    /** Writes {@code size} pseudo-random bytes (from {@code seed}) to {@code file}. */
    public static Path random(Path file, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buffer.length) {
                for (int i = 0; i < buffer.length; i += Long.BYTES) {
                    long value = random.nextLong();
                    for (int b = 0; b < Long.BYTES; b++) {
                        buffer[i + b] = (byte) (value >>> (8 * b));
                    }
                }
                out.write(buffer, 0, (int) Math.min(buffer.length, left));
            }
        }
        return file;
    }

    /** Deletes {@code directory} and everything in it. */
    public static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
