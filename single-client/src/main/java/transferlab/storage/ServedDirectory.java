package transferlab.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one directory a server reads from or writes into, and the only way to turn a client-given
 * name into a path.
 *
 * <p>A name is checked by {@link PlainFileName} first, then resolved and normalized; the result must
 * {@link Path#startsWith start with} the root (a path comparison, never a string prefix). A file
 * that already exists is also followed through symbolic links: its real path must still lie under the
 * real root, so a link planted in the directory cannot lead a client out of it.
 */
public final class ServedDirectory {
    private final Path root;

    /** Uses {@code root}, creating it if it does not exist yet. */
    public ServedDirectory(Path root) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
    }

    /** The real, absolute path of the directory. */
    public Path root() {
        return root;
    }

    /** Where a file called {@code name} is, or would be, kept. */
    public Path resolve(String name) throws BadNameException, IOException {
        PlainFileName.check(name);
        return contained(root.resolve(name).normalize(), name);
    }

    /**
     * Where a file at {@code relativePath} below the root is: segments separated by {@code /}, each a
     * {@link PlainFileName plain name}. Used by the ranged server, whose clients name nested files.
     */
    public Path resolveNested(String relativePath) throws BadNameException, IOException {
        String trimmed = relativePath.startsWith("/") ? relativePath.substring(1) : relativePath;
        if (trimmed.isEmpty()) {
            throw new BadNameException("the path is empty");
        }
        Path path = root;
        for (String segment : trimmed.split("/", -1)) {
            path = path.resolve(PlainFileName.check(segment));
        }
        return contained(path.normalize(), relativePath);
    }

    /** The plain names of the regular files directly in the directory, sorted; hidden and temporary files are left out. */
    public List<String> listFiles() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (isPlain(name) && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(name);
                }
            }
        }
        names.sort(null);
        return names;
    }

    private Path contained(Path candidate, String asGiven) throws BadNameException, IOException {
        if (!candidate.startsWith(root)) {
            throw new BadNameException("'" + PlainFileName.printable(asGiven) + "' lies outside the served directory");
        }
        if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS) && !realPath(candidate, asGiven).startsWith(root)) {
            throw new BadNameException("'" + PlainFileName.printable(asGiven) + "' is a link out of the served directory");
        }
        return candidate;
    }

    /**
     * Where a link leads. A link to nothing, or a loop of links, is a bad name like any other: the
     * client hears why in its own words, never our path or an exception's text.
     */
    private static Path realPath(Path candidate, String asGiven) throws BadNameException {
        try {
            return candidate.toRealPath();
        } catch (IOException e) {
            throw new BadNameException("'" + PlainFileName.printable(asGiven) + "' is a link that leads nowhere"
                    + " (dangling, or a loop)");
        }
    }

    private static boolean isPlain(String name) {
        try {
            PlainFileName.check(name);
            return true;
        } catch (BadNameException e) {
            return false;
        }
    }
}
