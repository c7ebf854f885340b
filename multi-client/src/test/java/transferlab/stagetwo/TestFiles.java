package transferlab.stagetwo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Arrays;
import java.nio.ByteBuffer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import transferlab.storage.Hashes;

/** Files with reproducible random content, and a look at what a server left in its directory. */
public final class TestFiles {
    private TestFiles() {
    }

    /** {@code size} pseudo-random bytes, the same for the same seed (SplittableRandom: fast enough for 64 MB). */
    public static byte[] randomBytes(int size, long seed) {
        ByteBuffer bytes = ByteBuffer.allocate((size + 7) / 8 * 8);
        SplittableRandom random = new SplittableRandom(seed);
        while (bytes.hasRemaining()) {
            bytes.putLong(random.nextLong());
        }
        return Arrays.copyOf(bytes.array(), size);
    }

    public static Path write(Path directory, String name, int size, long seed) throws IOException {
        return Files.write(directory.resolve(name), randomBytes(size, seed));
    }

    public static String sha256(byte[] bytes) {
        return Hashes.hex(Hashes.sha256().digest(bytes));
    }

    public static String sha256(Path file) throws IOException {
        return Hashes.sha256Hex(file);
    }

    /** Every entry of {@code directory}, hidden temporary files included, sorted. */
    public static List<String> everything(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
