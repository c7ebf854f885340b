package transferlab.upload;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import transferlab.server.ServerLog;
import transferlab.storage.BadNameException;
import transferlab.storage.IncomingFile;
import transferlab.storage.ServedDirectory;

/**
 * The disk steps of an upload and the refusal each failure becomes, written once for the
 * blocking {@link UploadHandler} and the event loop's connection, so both answer alike (U8, U17):
 * <ol>
 *   <li>{@link #place}: the name becomes a path in the directory; a bad name is {@code bad-name}, an
 *       I/O error while checking it (a link loop, say) is {@code storage};</li>
 *   <li>{@link #create}: the temporary file, before "go ahead"; a failure is {@code storage};</li>
 *   <li>{@link #write}: the content, as it comes; a failure (a full disk) is {@code storage};</li>
 *   <li>{@link #commit}: the move into place, before "ok"; a failure is {@code storage}.</li>
 * </ol>
 * A refusal's detail names the file and the kind of error, never the server's paths; the log line
 * has the whole exception.
 */
public final class UploadStorage {
    private final ServedDirectory directory;
    private final ServerLog log;

    public UploadStorage(ServedDirectory directory, ServerLog log) {
        this.directory = directory;
        this.log = log;
    }

    /** Where the upload called {@code name} goes. */
    public Path place(String name, SocketAddress peer) throws UploadRefusal {
        try {
            return directory.resolve(name);
        } catch (BadNameException e) {
            throw new UploadRefusal("bad-name", e.getMessage());
        } catch (IOException e) {
            throw refusal("cannot place", name, peer, e);
        }
    }

    /** The temporary file beside {@code target}, made before "go ahead": a server that cannot store says so first. */
    public IncomingFile create(Path target, String name, SocketAddress peer) throws UploadRefusal {
        try {
            return IncomingFile.create(target);
        } catch (IOException e) {
            throw refusal("cannot create a file for", name, peer, e);
        }
    }

    /** Writes the next piece of content. */
    public void write(IncomingFile file, ByteBuffer piece, String name, SocketAddress peer) throws UploadRefusal {
        try {
            file.write(piece);
        } catch (IOException e) {
            throw refusal("cannot write", name, peer, e);
        }
    }

    /** Moves the received file into place; a failure (say, a directory of that name) is a refusal. */
    public void commit(IncomingFile file, String name, SocketAddress peer) throws UploadRefusal {
        try {
            file.commit();
        } catch (IOException e) {
            throw refusal("cannot store", name, peer, e);
        }
    }

    private UploadRefusal refusal(String what, String name, SocketAddress peer, IOException e) {
        log.event(peer, what + " " + name + ": " + e);
        return new UploadRefusal("storage", what + " '" + name + "' (" + e.getClass().getSimpleName() + ")");
    }
}
