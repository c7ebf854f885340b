package transferlab.storage;

/** A client-given file name broke {@link PlainFileName}'s rule; the message names the value and the reason. */
public final class BadNameException extends Exception {
    public BadNameException(String message) {
        super(message);
    }
}
