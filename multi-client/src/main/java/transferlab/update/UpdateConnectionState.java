package transferlab.update;

/**
 * Where one connection of the {@link UpdateServer} is in protocol D. The table above the server's
 * loop lists, for each state, what the loop waits for and which clock applies.
 */
public enum UpdateConnectionState {
    /** From the accept until a whole poll frame has arrived. */
    READING_POLL,
    /** Writing the offer's frame, then the file, at most {@link UpdateConnection#SEND_PIECE_BYTES} per wake-up. */
    SENDING_OFFER,
    /** The whole file was sent; waiting for the ack frame. */
    READING_ACK,
    /** Done: the channel and the file are closed; a file on offer without its ack stays queued. */
    CLOSED
}
