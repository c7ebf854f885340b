package transferlab.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import transferlab.storage.BadNameException;
import transferlab.storage.Hashes;
import transferlab.storage.ServedDirectory;

/**
 * The update server's files, without any socket: one queue directory per client under the outbox
 * root, what is on offer right now, and the hashes already computed (protocol D, D3, D9, D10, D12).
 *
 * <ul>
 *   <li>{@link #queueOf}: a client id becomes its queue directory, {@code <outbox>/<client-id>};</li>
 *   <li>{@link #offerNext}: the first queued file in name order that is not on offer to another
 *       connection; it is on offer from then on;</li>
 *   <li>{@link #acknowledged}: the matching ack; the file leaves the queue only if it is unchanged
 *       since the offer (at least once delivery);</li>
 *   <li>{@link #withdraw}: the connection ended before the ack; the file stays queued.</li>
 * </ul>
 * A file's SHA-256 is computed on first offer and remembered by path, size, modification time and
 * file key, at most {@link #MAX_REMEMBERED_HASHES}, the least recently used forgotten first.
 * Only the server's loop thread uses an instance.
 */
final class Outbox {
    /** How many file hashes are remembered; the oldest is forgotten first. */
    static final int MAX_REMEMBERED_HASHES = 4096;

    /** What became of an acknowledged file. */
    enum Acknowledged {
        /** Deleted from the queue. */
        REMOVED,
        /** Gone already (the operator took it back). */
        ALREADY_GONE,
        /** Changed since it was offered: kept, and offered again with its new hash (D9). */
        CHANGED_AND_KEPT
    }

    /** A file as it was when offered; an ack removes it only if it is still the same file. */
    record QueuedFile(Path path, String name, long size, FileTime modified, Object fileKey, String hash) {
        boolean sameAs(BasicFileAttributes now) {
            return now.size() == size && now.lastModifiedTime().equals(modified)
                    && Objects.equals(now.fileKey(), fileKey);
        }
    }

    private final ServedDirectory root;
    /** Files on offer on some open connection: not offered to a second connection meanwhile. */
    private final Set<Path> onOffer = new HashSet<>();
    /** Files hashed before, as they were then: the hash holds while size, time and file key are the same. */
    private final Map<Path, QueuedFile> knownHashes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, QueuedFile> eldest) {
            return size() > MAX_REMEMBERED_HASHES;
        }
    };

    Outbox(ServedDirectory root) {
        this.root = root;
    }

    /** {@code <outbox>/<client-id>}; an id that is not a plain file name is a bad frame (D12). */
    Path queueOf(String clientId) throws BadFrameException, IOException {
        try {
            return root.resolve(clientId);
        } catch (BadNameException e) {
            throw new BadFrameException("bad client id: " + e.getMessage());
        }
    }

    /** The first regular file of {@code queue} in name order that is not on offer elsewhere, now on offer; or null. */
    QueuedFile offerNext(Path queue) throws IOException {
        if (!Files.isDirectory(queue, LinkOption.NOFOLLOW_LINKS)) {
            return null; // nobody ever queued anything for this client
        }
        ServedDirectory files = new ServedDirectory(queue);
        for (String name : files.listFiles()) {
            Path path;
            try {
                path = files.resolve(name);
            } catch (BadNameException e) {
                continue; // listFiles only lists plain names; a link out of the queue is skipped here
            }
            if (onOffer.contains(path)) {
                continue;
            }
            try {
                QueuedFile file = hashed(path, name, attributesOf(path));
                onOffer.add(path);
                return file;
            } catch (NoSuchFileException removedMeanwhile) {
                // the operator took it back: try the next one
            }
        }
        return null;
    }

    /** The client acknowledged {@code offer} with its hash: off offer, and out of the queue if unchanged. */
    Acknowledged acknowledged(QueuedFile offer) throws IOException {
        onOffer.remove(offer.path());
        BasicFileAttributes now;
        try {
            now = attributesOf(offer.path());
        } catch (NoSuchFileException gone) {
            return Acknowledged.ALREADY_GONE;
        }
        if (!offer.sameAs(now)) {
            return Acknowledged.CHANGED_AND_KEPT;
        }
        Files.deleteIfExists(offer.path());
        knownHashes.remove(offer.path());
        return Acknowledged.REMOVED;
    }

    /**
     * The connection of {@code offer} ended without its ack: the file stays queued and may be offered
     * again. If the client took every byte ({@code wholeFileSent}) but did not ack, perhaps its hash
     * did not match: the remembered hash is forgotten, so the next offer hashes the file afresh.
     */
    void withdraw(QueuedFile offer, boolean wholeFileSent) {
        onOffer.remove(offer.path());
        if (wholeFileSent) {
            knownHashes.remove(offer.path());
        }
    }

    /** Whether {@code path} is on offer to some connection now (for tests). */
    boolean isOnOffer(Path path) {
        return onOffer.contains(path);
    }

    /** The file with its hash: the remembered one if the file is unchanged since, else computed now. */
    private QueuedFile hashed(Path path, String name, BasicFileAttributes attributes) throws IOException {
        QueuedFile known = knownHashes.get(path);
        if (known != null && known.sameAs(attributes)) {
            return known;
        }
        QueuedFile file = new QueuedFile(path, name, attributes.size(), attributes.lastModifiedTime(),
                attributes.fileKey(), UpdateProtocol.wireHash(Hashes.sha256Hex(path)));
        knownHashes.put(path, file);
        return file;
    }

    private static BasicFileAttributes attributesOf(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }
}
