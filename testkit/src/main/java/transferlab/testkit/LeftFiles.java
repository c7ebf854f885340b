package transferlab.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one way the suite and the grader look at what a graded program left in a directory (a
 * server's {@code {dir}}, a client's run directory). The program is not trusted, so:
 * <ul>
 *   <li>links are never followed: {@code empty.txt -> /dev/zero} is reported as a link, not read;</li>
 *   <li>only regular files are read, and never more than a cap: a named pipe or a device is "not a
 *       regular file" ({@link NotARegularFile}), at once, instead of a read that blocks or never ends;</li>
 *   <li>an entry that vanishes while the directory is listed or read (a server deleting its
 *       temporary file) is simply not there: the listing is what the directory held, not an error.</li>
 * </ul>
 * Everything here returns at once, whatever the directory holds.
 */
public final class LeftFiles {
    /** The most a file is read or hashed: more than any file the suite sends, far less than the heap. */
    public static final long MAX_BYTES = 256L << 20;

    private LeftFiles() {
    }

    /** What an entry is, seen without following a link. */
    public enum Kind {
        FILE("a regular file"), DIRECTORY("a directory"), LINK("a symbolic link"),
        OTHER("not a regular file (a named pipe, a device or a socket)");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** One entry of a directory as it was when listed: its name, kind and size (a regular file's). */
    public record Entry(Path path, Kind kind, long size) {
        public String name() {
            return path.getFileName().toString();
        }
    }

    /** A path that is there but is not a regular file: a link, a directory, a pipe or a device. */
    public static final class NotARegularFile extends IOException {
        private final Kind kind;

        NotARegularFile(Path path, Kind kind) {
            super(path.getFileName() + " is not a regular file: it is " + kind.description()
                    + (kind == Kind.LINK ? " (links are not followed)" : ""));
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /** What {@code path} is, without following a link; empty when there is nothing (any more). */
    public static Optional<Entry> entry(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            Kind kind = attributes.isSymbolicLink() ? Kind.LINK : attributes.isDirectory() ? Kind.DIRECTORY
                    : attributes.isRegularFile() ? Kind.FILE : Kind.OTHER;
            return Optional.of(new Entry(path, kind, kind == Kind.FILE ? attributes.size() : 0));
        } catch (IOException gone) {
            return Optional.empty();
        }
    }

    /** A regular file's size, or -1 when {@code path} is nothing, a link or not a regular file: for messages. */
    public static long size(Path path) {
        return entry(path).filter(entry -> entry.kind() == Kind.FILE).map(Entry::size).orElse(-1L);
    }

    /** The entries of {@code directory}, hidden ones included, in name order; none when it is gone. */
    public static List<Entry> list(Path directory) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path path : stream) {
                entry(path).ifPresent(entries::add); // vanished between the listing and the look: not there
            }
        } catch (NoSuchFileException gone) {
            return List.of();
        }
        entries.sort((a, b) -> a.name().compareTo(b.name()));
        return entries;
    }

    /** The names in {@code directory}, hidden ones included, sorted. */
    public static List<String> names(Path directory) throws IOException {
        return list(directory).stream().map(Entry::name).toList();
    }

    /**
     * Every entry under {@code root} (not following links, not the root itself), relative path to
     * entry, in path order. A subdirectory that vanishes meanwhile is left out with what it held.
     */
    public static Map<String, Entry> walk(Path root) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                if (!directory.equals(root)) {
                    entries.put(root.relativize(directory).toString(), new Entry(directory, Kind.DIRECTORY, 0));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                Kind kind = attributes.isSymbolicLink() ? Kind.LINK
                        : attributes.isRegularFile() ? Kind.FILE : Kind.OTHER;
                entries.put(root.relativize(file).toString(),
                        new Entry(file, kind, kind == Kind.FILE ? attributes.size() : 0));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                if (failure instanceof NoSuchFileException && !file.equals(root)) {
                    return FileVisitResult.CONTINUE; // deleted while listed: it is not there
                }
                throw failure;
            }
        });
        return entries;
    }

    /**
     * The content of a regular file, at most {@code cap} bytes (a longer file gives its first
     * {@code cap + 1} bytes, so that the caller sees it is longer). Throws {@link NotARegularFile}
     * for a link, a pipe or a device, {@link NoSuchFileException} when there is nothing.
     */
    public static byte[] read(Path file, long cap) throws IOException {
        long limit = Math.min(cap, MAX_BYTES);
        try (InputStream in = open(file)) {
            return in.readNBytes(Math.toIntExact(Math.min(limit + 1, Integer.MAX_VALUE - 8)));
        }
    }

    /** The content of a regular file of at most {@link #MAX_BYTES}; a longer one is an error that says so. */
    public static byte[] read(Path file) throws IOException {
        byte[] bytes = read(file, MAX_BYTES);
        if (bytes.length > MAX_BYTES) {
            throw new IOException(file.getFileName() + " is larger than " + (MAX_BYTES >> 20) + " MiB: not read");
        }
        return bytes;
    }

    /** Whether {@code file} is a regular file holding exactly {@code content}; false for anything else or nothing. */
    public static boolean holds(Path file, byte[] content) {
        try {
            Optional<Entry> entry = entry(file);
            if (entry.isEmpty() || entry.get().kind() != Kind.FILE || entry.get().size() != content.length) {
                return false;
            }
            return Arrays.equals(read(file, content.length), content);
        } catch (IOException gone) { // renamed, deleted or replaced meanwhile: look again later
            return false;
        }
    }

    /** The SHA-256 of a regular file in lower-case hex; {@link NotARegularFile} for anything else. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = open(file)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
                total += n;
                if (total > MAX_BYTES) {
                    throw new IOException(file.getFileName() + " is larger than " + (MAX_BYTES >> 20)
                            + " MiB: not hashed");
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Every entry under {@code root} with what it is: a regular file's SHA-256, "directory",
     * "symbolic link to TARGET", or "not a regular file". Two snapshots are equal when nothing was
     * written, removed or changed. Entries that vanish while it is taken are not in it.
     */
    public static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> snapshot = new TreeMap<>();
        for (Map.Entry<String, Entry> each : walk(root).entrySet()) {
            Entry entry = each.getValue();
            String what = switch (entry.kind()) {
                case DIRECTORY -> "directory";
                case OTHER -> Kind.OTHER.description();
                case LINK -> linkTarget(entry.path());
                case FILE -> {
                    try {
                        yield sha256(entry.path());
                    } catch (NoSuchFileException | NotARegularFile gone) {
                        yield null; // deleted or replaced since it was listed
                    }
                }
            };
            if (what != null) {
                snapshot.put(each.getKey(), what);
            }
        }
        return snapshot;
    }

    /** "'name' (N bytes)", "'name' (a symbolic link)", ...: an entry as a message names it. */
    public static String describe(Entry entry) {
        return "'" + entry.name() + "' (" + (entry.kind() == Kind.FILE ? entry.size() + " bytes"
                : entry.kind().description()) + ")";
    }

    private static String linkTarget(Path link) {
        try {
            return "symbolic link to " + Files.readSymbolicLink(link);
        } catch (IOException gone) {
            return "symbolic link";
        }
    }

    /** Opens a regular file for reading, refusing links, pipes and devices before anything blocks on them. */
    private static InputStream open(Path file) throws IOException {
        Entry entry = entry(file).orElseThrow(() -> new NoSuchFileException(file.toString()));
        if (entry.kind() != Kind.FILE) {
            throw new NotARegularFile(file, entry.kind());
        }
        // NOFOLLOW_LINKS: a link put in its place since the look above fails to open (O_NOFOLLOW).
        SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        return Channels.newInputStream(channel);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
