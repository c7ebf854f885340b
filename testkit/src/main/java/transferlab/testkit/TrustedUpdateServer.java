package transferlab.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The grader's protocol D server (resources/protocols/update.md, seed 002): to a poll of client
 * {@code id} it offers the files of {@code <outbox>/<id>/} in name order, each as a frame
 * {@code {"file-name", "file-size", "file-hash"}} and its bytes, removes a file on its ack and
 * closes when none is left. File hashes are kept by path, size and modification time, as a real
 * server caches them, which is what lets a check offer bytes that no longer have the offered hash
 * (D7). A client check's reference ({@link TrustedServer} says why not stage 2's).
 */
public final class TrustedUpdateServer extends TrustedServer {
    private static final JsonMapper JSON = new JsonMapper();

    private final Path outbox;
    private final Map<Path, Hashed> hashes = new ConcurrentHashMap<>();

    private record Hashed(long size, FileTime modified, String hash) {
    }

    private TrustedUpdateServer(Path outbox) throws IOException {
        super(outbox, "trusted-update");
        this.outbox = outbox;
    }

    /** Offers the queues under {@code outbox}, on a free loopback port. */
    public static TrustedUpdateServer serving(Path outbox) throws IOException {
        return new TrustedUpdateServer(outbox);
    }

    @Override
    protected void serve(Socket client) throws IOException {
        DataInputStream in = new DataInputStream(client.getInputStream());
        OutputStream out = client.getOutputStream();
        JsonNode poll = readFrame(in);
        String id = poll.path("client-id").asText("");
        if (!poll.path("request-type").asText("").equals("poll") || !isPlainName(id)) {
            return; // D6: a bad frame closes the connection without a byte
        }
        for (Optional<Path> next = firstQueued(outbox.resolve(id)); next.isPresent();
             next = firstQueued(outbox.resolve(id))) {
            Path file = next.get();
            long size = Files.size(file);
            FileTime modified = Files.getLastModifiedTime(file);
            String hash = hash(file, size, modified);
            out.write(RawUpdateConnection.frame(JSON.createObjectNode().put("file-name", file.getFileName().toString())
                    .put("file-size", size).put("file-hash", hash).toString()));
            Files.copy(file, out);
            out.flush();
            JsonNode ack = readFrame(in);
            if (!ack.path("request-type").asText("").equals("ack") || !ack.path("client-id").asText("").equals(id)
                    || !ack.path("file-hash").asText("").equals(hash)) {
                return; // D8: another id or hash is a bad frame; the file stays queued
            }
            if (Files.size(file) == size && Files.getLastModifiedTime(file).equals(modified)) {
                Files.delete(file); // D9: removed only if unchanged since it was offered
            }
        }
    }

    private static JsonNode readFrame(DataInputStream in) throws IOException {
        int length = in.readUnsignedShort();
        if (length == 0) {
            throw new IOException("an empty frame");
        }
        JsonNode frame = JSON.readTree(in.readNBytes(length));
        if (frame == null || !frame.isObject()) {
            throw new IOException("a frame that is not a JSON object");
        }
        return frame;
    }

    private static Optional<Path> firstQueued(Path queue) throws IOException {
        if (!Files.isDirectory(queue)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(queue)) {
            return files.filter(Files::isRegularFile).filter(path -> isPlainName(path.getFileName().toString()))
                    .min((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        }
    }

    private String hash(Path file, long size, FileTime modified) throws IOException {
        Hashed known = hashes.get(file);
        if (known == null || known.size() != size || !known.modified().equals(modified)) {
            known = new Hashed(size, modified, "sha256:" + TestFiles.sha256(file));
            hashes.put(file, known);
        }
        return known.hash();
    }
}
