package transferlab.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A file being received: written to a hidden temporary file beside its target and moved into place
 * only when every byte is in, so nobody ever sees half a file.
 *
 * <p>Use it in try-with-resources: {@link #close()} deletes the temporary file unless
 * {@link #commit} or {@link #commitWithoutOverwriting} moved it into place first. The temporary name
 * ({@code .<random UUID>.part}) starts with a dot, which {@link PlainFileName} forbids, so it can
 * never collide with a real file; it does not repeat the target's name, which may already be as
 * long as a file name can be.
 *
 * <p>An orderly stop (SIGTERM, Ctrl-C: the JVM runs its shutdown hooks) deletes the temporary file of
 * every IncomingFile still open, in every program that receives files: the files in flight are kept
 * in one registry, which a shutdown hook empties. A process killed outright (SIGKILL, power loss)
 * runs no hook; a server cleans up after that at its next start with {@link #removeStale}.
 */
public final class IncomingFile implements AutoCloseable {
    /** {@code .<random UUID>.part}, the only names {@link #create} gives. */
    private static final Pattern TEMPORARY_NAME =
            Pattern.compile("\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.part");
    private static final Set<IncomingFile> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(IncomingFile::deleteAllInFlight, "delete-temporary-files"));
    }

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private boolean committed;

    private IncomingFile(Path target, Path temporary, FileChannel channel) {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
    }

    /** Starts receiving a file that will become {@code target}. */
    public static IncomingFile create(Path target) throws IOException {
        // Not "." + name + ...: a name may already be 255 bytes, the most a file name can have.
        Path temporary = target.resolveSibling("." + UUID.randomUUID() + ".part");
        FileChannel channel = FileChannel.open(temporary,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        IncomingFile file = new IncomingFile(target, temporary, channel);
        IN_FLIGHT.add(file);
        return file;
    }

    /** True for a name {@link #create} gives its temporary files. */
    public static boolean isTemporaryName(String name) {
        return TEMPORARY_NAME.matcher(name).matches();
    }

    /**
     * Deletes the temporary files in {@code directory} (not below it) that nobody has written for
     * {@code staleAfter}: a process killed outright left them. A live upload writes more often than
     * its idle timeout, so passing the idle timeout never takes a file from a server still running.
     *
     * @return the names deleted, for the log
     */
    public static List<String> removeStale(Path directory, Duration staleAfter) throws IOException {
        FileTime before = FileTime.from(Instant.now().minus(staleAfter));
        List<String> removed = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (isTemporaryName(name) && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).compareTo(before) < 0
                        && Files.deleteIfExists(entry)) {
                    removed.add(name);
                }
            }
        }
        removed.sort(null);
        return removed;
    }

    /**
     * The shutdown hook: deletes the temporary file of every file still being received. The thread
     * writing it may go on for a moment, into a file no longer named; nothing half-written stays.
     */
    private static void deleteAllInFlight() {
        for (IncomingFile file : IN_FLIGHT) {
            try {
                Files.deleteIfExists(file.temporary);
            } catch (IOException e) {
                System.err.println("could not delete " + file.temporary + ": " + e.getMessage());
            }
        }
    }

    /** The channel to write into; positional writes are fine (the ranged client writes blocks at offsets). */
    public FileChannel channel() {
        return channel;
    }

    /** The hidden temporary file. */
    public Path temporaryPath() {
        return temporary;
    }

    /** The path the file gets once committed. */
    public Path target() {
        return target;
    }

    /** Writes all of {@code buffer} at the current position. */
    public void write(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Moves the complete file into place atomically, replacing a file of the same name. */
    public void commit() throws IOException {
        // BEGIN SOLUTION
        // TODO(stage1.3): close the channel and move the temporary file into place atomically — U10
        channel.close();
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        IN_FLIGHT.remove(this);
        // END SOLUTION
    }

    /**
     * Moves the complete file into place atomically, but only if no file of that name exists: a hard
     * link either appears whole or fails, so a file that appeared meanwhile is never overwritten.
     *
     * @throws FileAlreadyExistsException if the target exists; the temporary file is still deleted on close
     */
    public void commitWithoutOverwriting() throws IOException {
        channel.close();
        Files.createLink(target, temporary);
        committed = true;
        Files.delete(temporary);
        IN_FLIGHT.remove(this);
    }

    /** Deletes the temporary file unless the file was committed. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
            // BEGIN SOLUTION
            // TODO(stage1.3): unless committed, delete the temporary file: a broken upload leaves nothing — U10
            // STUB:
            if (!committed) {
                Files.deleteIfExists(temporary);
            }
            // END SOLUTION
        } finally {
            IN_FLIGHT.remove(this);
        }
    }
}
