package transferlab.update;

/**
 * A frame broke protocol D: a length of 0 or beyond the limit, bytes that are not a JSON object, a
 * missing or wrong field. The message names the bad value; the connection that sent it is closed.
 */
public final class BadFrameException extends Exception {
    public BadFrameException(String message) {
        super(message);
    }
}
