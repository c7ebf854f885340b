package transferlab.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The grader's protocol U server (resources/protocols/upload.md, seed 004): reads the header (an
 * 8-byte big-endian size, then the name until the bytes pause for 50 ms, U4), answers {@code go
 * ahead}, receives exactly size bytes into a hidden temporary file, moves it into place whole and
 * answers {@code ok <sha256>\n}; {@code error <code>: <detail>\n} instead of {@code go ahead} for a
 * bad header. A client check's reference ({@link TrustedServer} says why not stage 1's).
 */
public final class TrustedUploadServer extends TrustedServer {
    /** U4: the name ends where no byte came for this long. */
    static final int HEADER_SETTLE_MILLIS = 50;
    static final int MAX_NAME_BYTES = 255;

    private final Path received;

    private TrustedUploadServer(Path received) throws IOException {
        super(received, "trusted-upload");
        this.received = received;
    }

    /** Stores uploads in {@code received}, on a free loopback port. */
    public static TrustedUploadServer into(Path received) throws IOException {
        return new TrustedUploadServer(received);
    }

    @Override
    protected void serve(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        byte[] header = readHeader(client);
        if (header.length <= 8) {
            refuse(out, "bad-header: the stream ended after " + header.length + " header bytes");
            return;
        }
        long size = ByteBuffer.wrap(header, 0, 8).getLong();
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(header, 8, header.length - 8)).toString();
        } catch (CharacterCodingException e) {
            refuse(out, "bad-name: the name is not valid UTF-8");
            return;
        }
        if (size < 0) {
            refuse(out, "bad-size: the size has its top bit set");
            return;
        }
        if (!isPlainName(name)) {
            refuse(out, "bad-name: '" + PrintableText.of(name) + "' is not a plain file name");
            return;
        }
        out.write("go ahead".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Path temporary = Files.createTempFile(received, "." + name.substring(0, Math.min(40, name.length())), ".part");
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            try (OutputStream file = new DigestOutputStream(Files.newOutputStream(temporary), sha256)) {
                byte[] buffer = new byte[64 * 1024];
                for (long left = size; left > 0; ) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        return; // the client closed early: nothing is stored
                    }
                    file.write(buffer, 0, n);
                    left -= n;
                }
            }
            Files.move(temporary, received.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            out.write(("ok " + HexFormat.of().formatHex(sha256.digest()) + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Nine bytes at least (blocking), then more while they come within the settle window. */
    private static byte[] readHeader(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        int longest = 8 + MAX_NAME_BYTES + 1; // one more than fits, to tell a name too long
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        byte[] buffer = new byte[longest];
        while (header.size() <= 8) {
            int n = in.read(buffer, 0, longest - header.size());
            if (n < 0) {
                return header.toByteArray();
            }
            header.write(buffer, 0, n);
        }
        int idle = client.getSoTimeout();
        client.setSoTimeout(HEADER_SETTLE_MILLIS);
        try {
            while (header.size() < longest) {
                int n = in.read(buffer, 0, longest - header.size());
                if (n < 0) {
                    break;
                }
                header.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException settled) {
            // no byte within the window: the header is complete
        } finally {
            client.setSoTimeout(idle);
        }
        return header.toByteArray();
    }

    private static void refuse(OutputStream out, String reason) throws IOException {
        out.write(("error " + reason + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
