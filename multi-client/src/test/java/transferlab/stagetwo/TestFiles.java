package transferlab.stagetwo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import transferlab.storage.Hashes;

/** Files with reproducible random content, and a look at what a server left in its directory. */
public final class TestFiles {
    private TestFiles() {
    }

    public static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
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
