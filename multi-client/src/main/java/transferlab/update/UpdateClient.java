package transferlab.update;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import transferlab.cli.HostPort;
import transferlab.storage.BadNameException;
import transferlab.storage.Hashes;
import transferlab.storage.IncomingFile;
import transferlab.storage.PlainFileName;
import transferlab.storage.ServedDirectory;

/**
 * The client of the polling update service (protocol D, seed 002): one {@link #poll} connects,
 * receives every file queued for this client, and stores each only after checking its sha256.
 *
 * <p>One poll, step by step:
 * <ol>
 *   <li>connect and send {@code {"client-id": ID, "request-type": "poll"}};</li>
 *   <li>read a frame; if the server closes the connection instead, nothing (more) is queued: done;</li>
 *   <li>the frame is an offer: name, size, {@code sha256:<hex>}. If a file with that hash is already
 *       held, read past its bytes, send the ack (so it leaves the queue) and go back to 2;</li>
 *   <li>receive the bytes into a temporary file beside the target, hashing them on the way;</li>
 *   <li>if the hash is not the offered one: delete the temporary file, send no ack, fail with an
 *       {@link UpdateFailedException} whose message names the file (it stays queued, and the server
 *       offers it again on the next poll);</li>
 *   <li>move the file into place (replacing an older version of the same name), remember its hash,
 *       send {@code {"client-id": ID, "request-type": "ack", "file-hash": "sha256:<hex>"}}, go to 2.</li>
 * </ol>
 * The hashes held are those of the files in the directory when the client starts (each is hashed
 * once) and of every file stored since. {@link UpdateClientCommand} runs it every {@code --interval}.
 */
public final class UpdateClient {
    /** Bytes read from the socket at a time. */
    public static final int BUFFER_BYTES = 256 * 1024;
    /** The largest file the client accepts; a larger offer fails the poll before any byte is stored. */
    public static final long DEFAULT_MAX_FILE_BYTES = 4L << 30;

    private final String clientId;
    private final ServedDirectory directory;
    private final Duration timeout;
    private final long maxFileBytes;
    private final PrintStream report;
    private final Set<String> heldHashes = new HashSet<>();

    /**
     * A client that stores into {@code directory} (created if needed), gives up on a server silent
     * for {@code timeout}, and prints one line per file to {@code report}. Hashes the files already
     * in the directory.
     */
    public UpdateClient(String clientId, Path directory, Duration timeout, long maxFileBytes, PrintStream report)
            throws IOException {
        this.clientId = clientId;
        this.directory = new ServedDirectory(directory);
        this.timeout = timeout;
        this.maxFileBytes = maxFileBytes;
        this.report = report;
        for (String name : this.directory.listFiles()) {
            heldHashes.add(UpdateProtocol.wireHash(Hashes.sha256Hex(this.directory.root().resolve(name))));
        }
    }

    /** True if a file with this {@code sha256:<hex>} is held. */
    public boolean holds(String fileHash) {
        return heldHashes.contains(fileHash);
    }

    /** Polls once and takes every file offered, until the server closes the connection. */
    public PollResult poll(InetSocketAddress server) throws IOException {
        int stored = 0;
        int skipped = 0;
        try (Socket socket = new Socket()) {
            try {
                socket.connect(server, (int) timeout.toMillis());
            } catch (ConnectException e) {
                throw new ConnectException("cannot connect to " + HostPort.format(server) + ": " + e.getMessage());
            }
            socket.setSoTimeout((int) timeout.toMillis());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            send(out, UpdateRequest.poll(clientId).encode());

            while (true) {
                UpdateOffer offer = readOffer(in);
                if (offer == null) {
                    return new PollResult(stored, skipped); // the server closed: nothing more is queued
                }
                if (holds(offer.fileHash())) {
                    in.skipNBytes(offer.fileSize());
                    send(out, UpdateRequest.ack(clientId, offer.fileHash()).encode());
                    report.println("skipped " + PlainFileName.printable(offer.fileName()) + ": already held ("
                            + offer.fileHash() + ")");
                    skipped++;
                    continue;
                }
                receive(in, offer);
                heldHashes.add(offer.fileHash());
                send(out, UpdateRequest.ack(clientId, offer.fileHash()).encode());
                report.println("stored " + PlainFileName.printable(offer.fileName()) + " (" + offer.fileSize()
                        + " bytes, " + offer.fileHash() + ")");
                stored++;
            }
        }
    }

    /** The next offer, or null if the server closed the connection instead. */
    private UpdateOffer readOffer(InputStream in) throws IOException {
        try {
            byte[] json = UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH);
            return json == null ? null : UpdateOffer.parse(json);
        } catch (BadFrameException e) {
            throw new UpdateFailedException("the server sent a bad offer: " + e.getMessage());
        }
    }

    /** Receives the offered bytes into a temporary file and keeps it only if its sha256 is the offered one. */
    private void receive(InputStream in, UpdateOffer offer) throws IOException {
        Path target;
        try {
            target = directory.resolve(offer.fileName());
        } catch (BadNameException e) {
            throw new UpdateFailedException("the server offered a bad file name: " + e.getMessage()
                    + "; not acknowledged");
        }
        if (offer.fileSize() > maxFileBytes) {
            throw new UpdateFailedException(offer.fileName() + " is " + offer.fileSize() + " bytes, over the limit of "
                    + maxFileBytes + "; not acknowledged");
        }
        try (IncomingFile file = IncomingFile.create(target)) {
            MessageDigest sha256 = Hashes.sha256();
            byte[] buffer = new byte[BUFFER_BYTES];
            long received = 0;
            while (received < offer.fileSize()) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, offer.fileSize() - received));
                if (n < 0) {
                    throw new UpdateFailedException("the server closed after " + received + " of " + offer.fileSize()
                            + " bytes of " + offer.fileName() + "; nothing stored");
                }
                sha256.update(buffer, 0, n);
                file.write(ByteBuffer.wrap(buffer, 0, n));
                received += n;
            }
            // BEGIN SOLUTION
            // TODO(stage2.4): verify the sha256, then store; a mismatch stores nothing and is not acked — D7, D8
            String receivedHash = UpdateProtocol.wireHash(Hashes.hex(sha256.digest()));
            if (!receivedHash.equals(offer.fileHash())) {
                throw new UpdateFailedException(offer.fileName() + ": sha256 mismatch: offered " + offer.fileHash()
                        + ", received " + receivedHash + "; nothing stored, not acknowledged");
            }
            file.commit();
            // END SOLUTION
        }
    }

    private static void send(OutputStream out, ByteBuffer frame) throws IOException {
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
    }
}
