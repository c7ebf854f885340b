package transferlab.eventloop;

/**
 * Where one upload connection of the {@link EventLoopUploadServer} is in protocol U. The table above
 * the server's loop lists, for each state, what the loop waits for and which timeout applies.
 */
public enum ConnectionState {
    /** Collecting size and name: at least 9 bytes, then until the settle window passes without a byte. */
    READING_HEADER,
    /** Writing the 8 bytes of "go ahead" (the temporary file exists already). */
    SENDING_GO_AHEAD,
    /** Reading exactly {@code size} bytes into a temporary file, hashing them on the way. */
    RECEIVING_CONTENT,
    /** Writing "ok &lt;sha256&gt;\n" or "error &lt;code&gt;: &lt;detail&gt;\n", then closing. */
    SENDING_REPLY,
    /** Done: the channel is closed and any temporary file deleted. */
    CLOSED
}
