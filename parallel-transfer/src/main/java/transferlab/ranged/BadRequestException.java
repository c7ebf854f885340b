package transferlab.ranged;

/** A control request the server answers with 400: the message says what was wrong and names the bad value. */
public final class BadRequestException extends Exception {
    public BadRequestException(String message) {
        super(message);
    }
}
