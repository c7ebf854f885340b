package transferlab.update;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import transferlab.storage.PlainFileName;

/**
 * What a client sends: a poll ({@code {"client-id": "...", "request-type": "poll"}}) or an ack
 * ({@code {"client-id": "...", "request-type": "ack", "file-hash": "sha256:<hex>"}}).
 *
 * <p>Fields other than these are ignored, so a client may send more information, as seed 002 allows.
 * The client id is checked as a name later, by the server's outbox ({@code ServedDirectory}).
 *
 * @param fileHash {@code sha256:<hex>} for an ack, {@code null} for a poll
 */
public record UpdateRequest(String clientId, String type, String fileHash) {
    public static UpdateRequest poll(String clientId) {
        return new UpdateRequest(clientId, UpdateProtocol.POLL, null);
    }

    public static UpdateRequest ack(String clientId, String fileHash) {
        return new UpdateRequest(clientId, UpdateProtocol.ACK, fileHash);
    }

    public boolean isPoll() {
        return UpdateProtocol.POLL.equals(type);
    }

    public boolean isAck() {
        return UpdateProtocol.ACK.equals(type);
    }

    /** Reads a request from a frame's JSON bytes; refuses a missing field or an unknown request type. */
    public static UpdateRequest parse(byte[] json) throws BadFrameException {
        ObjectNode header = UpdateFrame.parse(json);
        String clientId = UpdateFrame.text(header, UpdateProtocol.CLIENT_ID);
        String type = UpdateFrame.text(header, UpdateProtocol.REQUEST_TYPE);
        switch (type) {
            case UpdateProtocol.POLL:
                return poll(clientId);
            case UpdateProtocol.ACK:
                String hash = UpdateFrame.text(header, UpdateProtocol.FILE_HASH);
                if (!UpdateProtocol.HASH.matcher(hash).matches()) {
                    throw new BadFrameException("\"file-hash\" '" + PlainFileName.printable(hash)
                            + "' is not sha256:<64 lower-case hex digits>");
                }
                return ack(clientId, hash);
            default:
                throw new BadFrameException("unknown request type '" + PlainFileName.printable(type)
                        + "' (expected poll or ack)");
        }
    }

    /** The frame to send. */
    public ByteBuffer encode() {
        ObjectNode header = UpdateFrame.object()
                .put(UpdateProtocol.CLIENT_ID, clientId)
                .put(UpdateProtocol.REQUEST_TYPE, type);
        if (fileHash != null) {
            header.put(UpdateProtocol.FILE_HASH, fileHash);
        }
        return UpdateFrame.encode(header);
    }
}
