package transferlab.upload;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import transferlab.storage.BadNameException;
import transferlab.storage.PlainFileName;

/**
 * The first message of protocol U: the content size as 8 bytes, unsigned big-endian, followed
 * directly by the file name in UTF-8 (1 to 255 bytes). There is no length field for the name: it
 * ends where the message ends, which is why the client sends the header in one write and then
 * waits for "go ahead".
 */
public record UploadHeader(long size, String name) {
    /** 8 bytes of size. */
    public static final int SIZE_BYTES = Long.BYTES;
    /** The most bytes a header can have: size plus the longest name. */
    public static final int MAX_BYTES = SIZE_BYTES + PlainFileName.MAX_BYTES;

    /** The header as the client sends it, in one write. */
    public byte[] encode() {
        byte[] name = this.name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(SIZE_BYTES + name.length).putLong(size).put(name).array();
    }

    /**
     * Reads a header from the first {@code length} bytes of {@code bytes} and checks it against the
     * limits: more than {@link #MAX_BYTES} bytes (a name longer than 255 bytes), a size with the top bit set (negative
     * as a Java long) or above the limit, and any name
     * that is not a {@link PlainFileName plain name}, are refused.
     */
    public static UploadHeader decode(byte[] bytes, int length, UploadLimits limits) throws UploadRefusal {
        if (length <= SIZE_BYTES) {
            throw new UploadRefusal("bad-header", "got " + length + " header bytes; need 8 bytes of size and a name");
        }
        if (length > MAX_BYTES) {
            // Refuse rather than cut the name at 255 bytes: the rest of it would be taken for content.
            throw new UploadRefusal("bad-name", "the name is longer than " + PlainFileName.MAX_BYTES + " bytes");
        }
        long size = ByteBuffer.wrap(bytes, 0, SIZE_BYTES).getLong();
        if (size < 0) {
            throw new UploadRefusal("bad-size", "size " + Long.toUnsignedString(size)
                    + " does not fit in 63 bits (top bit set)");
        }
        if (size > limits.maxContentBytes()) {
            throw new UploadRefusal("too-large", "size " + size + " exceeds the limit of "
                    + limits.maxContentBytes() + " bytes");
        }
        try {
            String name = PlainFileName.check(Arrays.copyOfRange(bytes, SIZE_BYTES, length));
            return new UploadHeader(size, name);
        } catch (BadNameException e) {
            throw new UploadRefusal("bad-name", e.getMessage());
        }
    }
}
