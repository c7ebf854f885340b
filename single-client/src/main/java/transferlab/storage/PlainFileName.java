package transferlab.storage;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The rule every server applies to a file name a client sends: a plain file name, never a path.
 *
 * <p>A plain name is valid UTF-8 of 1 to {@value #MAX_BYTES} bytes, has no {@code /}, {@code \},
 * NUL or other control characters, and does not start with a dot (so not {@code .} or {@code ..},
 * and never one of our own hidden temporary files). Checking the name first and resolving it
 * second is what keeps a client out of every other directory.
 */
public final class PlainFileName {
    /** The longest name, in UTF-8 bytes: the most that most file systems allow. */
    public static final int MAX_BYTES = 255;

    private PlainFileName() {
    }

    /** Decodes {@code utf8} strictly and checks it; returns the name. */
    public static String check(byte[] utf8) throws BadNameException {
        if (utf8.length == 0) {
            throw new BadNameException("the name is empty");
        }
        if (utf8.length > MAX_BYTES) {
            throw new BadNameException("the name is " + utf8.length + " bytes long; the limit is " + MAX_BYTES);
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadNameException("the name is not valid UTF-8");
        }
        return check(name);
    }

    /**
     * Checks a name that is already a string; returns it unchanged. A bad name throws a
     * {@link BadNameException} whose message says what is wrong, for the client's error line and
     * the server's log (the tests read it): the length in bytes ("256 bytes"), or the name in
     * quotes, made {@link #printable}, with the bad character: {@code '/'} or {@code '\'} in quotes,
     * a control character as {@code U+0000}.
     */
    public static String check(String name) throws BadNameException {
        // BEGIN SOLUTION
        // TODO(stage1.2): refuse an empty name, over 255 bytes, a leading dot, '/', '\\', control characters — U8
        // STUB: return name;
        if (name.isEmpty()) {
            throw new BadNameException("the name is empty");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new BadNameException("the name is " + bytes + " bytes long; the limit is " + MAX_BYTES);
        }
        if (name.startsWith(".")) {
            throw new BadNameException("the name '" + printable(name) + "' starts with a dot");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                throw new BadNameException("the name '" + printable(name) + "' contains '" + c
                        + "'; send a plain file name");
            }
            if (Character.isISOControl(c)) {
                throw new BadNameException("the name '" + printable(name) + "' contains the control character U+"
                        + String.format("%04X", (int) c));
            }
        }
        return name;
        // END SOLUTION
    }

    /**
     * The text with every character that could steer a terminal shown as {@code \\uXXXX}: control
     * characters (ESC, CR, newline, C1), line and paragraph separators and the bidirectional overrides
     * that reorder what a reader sees. Safe to print in a log, a reply, or on a client's terminal;
     * every text that came from the network goes through here before anybody prints it.
     */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(steersTheTerminal(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    private static boolean steersTheTerminal(char c) {
        return Character.isISOControl(c)
                || c == '\u2028' || c == '\u2029'                    // line and paragraph separator
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') // bidi embeddings, isolates
                || c == '\u200e' || c == '\u200f' || c == '\u061c';  // bidi marks
    }
}
