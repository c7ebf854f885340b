package transferlab.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Test content with reproducible random bytes, its SHA-256, and a look at what a server left in its
 * directory. Every test of every stage makes its files here, so two tests with the same seed see
 * the same bytes.
 */
public final class TestFiles {
    private TestFiles() {
    }

    /** {@code size} pseudo-random bytes, the same for the same seed (SplittableRandom: fast enough for 64 MiB). */
    public static byte[] randomBytes(long size, long seed) {
        int length = Math.toIntExact(size);
        ByteBuffer bytes = ByteBuffer.allocate((length + 7) / 8 * 8);
        SplittableRandom random = new SplittableRandom(seed);
        while (bytes.hasRemaining()) {
            bytes.putLong(random.nextLong());
        }
        return Arrays.copyOf(bytes.array(), length);
    }

    /** Writes {@link #randomBytes} into {@code directory/name} and returns the file. */
    public static Path write(Path directory, String name, int size, long seed) throws IOException {
        return Files.write(directory.resolve(name), randomBytes(size, seed));
    }

    /** The SHA-256 of {@code bytes} in lower-case hex, as protocol U's "ok" line carries it. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(bytes));
    }

    /** The SHA-256 of a file's content in lower-case hex. */
    public static String sha256(Path file) throws IOException {
        return hex(file, "SHA-256");
    }

    /** The MD5 of {@code bytes} in lower-case hex, as protocol R's "hash" carries it. */
    public static String md5(byte[] bytes) {
        return HexFormat.of().formatHex(digest("MD5").digest(bytes));
    }

    /** The MD5 of a file's content in lower-case hex. */
    public static String md5(Path file) throws IOException {
        return hex(file, "MD5");
    }

    private static String hex(Path file, String algorithm) throws IOException {
        MessageDigest digest = digest(algorithm);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Every entry of {@code directory}, hidden temporary files included, sorted. */
    public static List<String> everything(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256 and MD5", e);
        }
    }
}
