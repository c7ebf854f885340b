package transferlab.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import transferlab.storage.PlainFileName;

/**
 * What the server sends when a file is queued: {@code {"file-name": "...", "file-size": n,
 * "file-hash": "sha256:<hex>"}}, followed by exactly {@code n} bytes of the file.
 *
 * @param fileHash {@code sha256:<hex>} of the file bytes that follow
 */
public record UpdateOffer(String fileName, long fileSize, String fileHash) {
    /** Reads an offer from a frame's JSON bytes. The name is checked later, where it is stored. */
    public static UpdateOffer parse(byte[] json) throws BadFrameException {
        ObjectNode header = UpdateFrame.parse(json);
        String name = UpdateFrame.text(header, UpdateProtocol.FILE_NAME);
        JsonNode size = header.get(UpdateProtocol.FILE_SIZE);
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.longValue() < 0) {
            throw new BadFrameException("\"file-size\" must be a whole number >= 0, was "
                    + UpdateFrame.shortText(size));
        }
        String hash = UpdateFrame.text(header, UpdateProtocol.FILE_HASH);
        if (!UpdateProtocol.HASH.matcher(hash).matches()) {
            throw new BadFrameException("\"file-hash\" '" + PlainFileName.printable(hash)
                    + "' is not sha256:<64 lower-case hex digits>");
        }
        return new UpdateOffer(name, size.longValue(), hash);
    }

    /** The frame to send before the file bytes. */
    public ByteBuffer encode() {
        return UpdateFrame.encode(UpdateFrame.object()
                .put(UpdateProtocol.FILE_NAME, fileName)
                .put(UpdateProtocol.FILE_SIZE, fileSize)
                .put(UpdateProtocol.FILE_HASH, fileHash));
    }
}
