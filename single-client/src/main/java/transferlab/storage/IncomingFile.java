package transferlab.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * A file being received: written to a hidden temporary file beside its target and moved into place
 * only when every byte is in, so nobody ever sees half a file.
 *
 * <p>Use it in try-with-resources: {@link #close()} deletes the temporary file unless
 * {@link #commit} or {@link #commitWithoutOverwriting} moved it into place first. The temporary name
 * ({@code .<random UUID>.part}) starts with a dot, which {@link PlainFileName} forbids, so it can
 * never collide with a real file; it does not repeat the target's name, which may already be as
 * long as a file name can be.
 */
public final class IncomingFile implements AutoCloseable {
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
        return new IncomingFile(target, temporary, channel);
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
    }

    /** Deletes the temporary file unless the file was committed. */
    @Override
    public void close() throws IOException {
        channel.close();
        // BEGIN SOLUTION
        // TODO(stage1.3): unless committed, delete the temporary file: a broken upload leaves nothing — U10
        // STUB:
        if (!committed) {
            Files.deleteIfExists(temporary);
        }
        // END SOLUTION
    }
}
