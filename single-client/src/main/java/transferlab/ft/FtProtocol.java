package transferlab.ft;

/** The fixed words and sizes of protocol F (resources/protocols/ft.md). */
public final class FtProtocol {
    /** {@code LIST <data-port>\n}: the names of the served files. */
    public static final String LIST = "LIST";
    /** {@code GET <name> <data-port>\n}: one file's bytes. */
    public static final String GET = "GET";
    /** The positive answer starts with this, followed by the byte count in decimal and "\n". */
    public static final String OK_PREFIX = "OK ";
    /** A refusal starts with this, followed by a code, a colon, a detail and "\n". */
    public static final String ERROR_PREFIX = "ERROR ";
    /** The longest reply line a client reads before giving up on the server. */
    public static final int MAX_REPLY_LINE_BYTES = 1024;

    private FtProtocol() {
    }
}
