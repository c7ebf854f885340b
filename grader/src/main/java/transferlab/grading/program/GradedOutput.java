package transferlab.grading.program;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a graded program printed, made safe to show: the one place every report (terminal, JUnit
 * XML, results.json, HTML) takes a graded program's words through. The program is not trusted:
 * <ul>
 *   <li>{@link #clean}: ESC and every other control character but newline and tab, the C1 controls,
 *       DEL, U+FFFE/U+FFFF, unpaired surrogates and the bidi overrides are written as visible
 *       escapes ({@code \x1b}, {@code \uFFFE}); bytes that are not UTF-8 become U+FFFD. So no
 *       escape sequence reaches a terminal, JUnit XML always parses, and a line cannot redraw
 *       another ({@code \r}) or pose as a verdict;</li>
 *   <li>sizes are capped ({@link #MAX_LINE_BYTES} a line, {@link #MAX_TEST_BYTES} a test's output,
 *       {@link #MAX_RUN_BYTES} a run's) with "[... N bytes cut]" where bytes were dropped; a line is
 *       cut while it is read ({@link #readLines}), so a 300 MB line never sits in memory;</li>
 *   <li>{@link #quoted}: on the terminal each graded line is indented and prefixed with "| ".</li>
 * </ul>
 */
public final class GradedOutput {
    public static final int MAX_LINE_BYTES = 4 * 1024;
    public static final int MAX_TEST_BYTES = 64 * 1024;
    public static final int MAX_RUN_BYTES = 4 * 1024 * 1024;
    /** Before each line of graded output on the terminal: it cannot start where a verdict line does. */
    public static final String QUOTE = "| ";

    private GradedOutput() {
    }

    /** "[... N bytes cut]". */
    public static String cutNote(long bytes) {
        return "[... " + bytes + " bytes cut]";
    }

    /** {@code text} with every character a terminal or an XML parser could take for more than text escaped. */
    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder clean = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escape = null;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                int codePoint = text.codePointAt(i);
                if ((codePoint & 0xFFFE) == 0xFFFE) {
                    escape = String.format(Locale.ROOT, "\\U%08X", codePoint); // a noncharacter of a supplementary plane
                } else {
                    if (clean != null) {
                        clean.append(c).append(text.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                if (clean == null) {
                    clean = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                clean.append(escape);
                i++;
                continue;
            }
            if (c == '\n' || c == '\t') {
                escape = null;
            } else if (c < 0x20 || c == 0x7F) {
                escape = String.format(Locale.ROOT, "\\x%02x", (int) c);
            } else if ((c >= 0x80 && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF || (c >= 0xFDD0 && c <= 0xFDEF)
                    || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || Character.isSurrogate(c)) {
                escape = String.format(Locale.ROOT, "\\u%04X", (int) c);
            }
            if (escape != null && clean == null) {
                clean = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (clean != null) {
                if (escape != null) {
                    clean.append(escape);
                } else {
                    clean.append(c);
                }
            }
        }
        return clean == null ? text : clean.toString();
    }

    /** At most {@code maxBytes} (UTF-8) of {@code text}, head and tail kept, the middle cut and counted. */
    public static String capped(String text, int maxBytes) {
        if (text == null) {
            return "";
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        int half = maxBytes / 2;
        return decode(bytes, 0, half) + "\n" + cutNote(bytes.length - 2L * half) + "\n"
                + decode(bytes, bytes.length - half, half);
    }

    /**
     * {@code text} {@link #clean}ed, then each line capped at {@link #MAX_LINE_BYTES} and the whole at
     * {@code maxBytes}. Cleaned first: a carriage return is then text, not a line break.
     */
    public static String safe(String text, int maxBytes) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String clean = clean(text);
        StringBuilder lines = new StringBuilder();
        clean.lines().forEach(line -> lines.append(cappedLine(line)).append('\n'));
        if (!clean.endsWith("\n")) {
            lines.setLength(lines.length() - 1);
        }
        return capped(lines.toString(), maxBytes);
    }

    /** {@code text} indented by {@code spaces}, every line prefixed with {@link #QUOTE}: graded words on a terminal. */
    public static String quoted(String text, int spaces) {
        StringBuilder quoted = new StringBuilder();
        text.lines().forEach(line -> quoted.append(" ".repeat(spaces)).append(QUOTE).append(line).append('\n'));
        return quoted.toString();
    }

    private static String cappedLine(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_LINE_BYTES ? line
                : decode(bytes, 0, MAX_LINE_BYTES) + " " + cutNote(bytes.length - MAX_LINE_BYTES);
    }

    /** Receives the lines {@link #readLines} reads. */
    @FunctionalInterface
    public interface Lines {
        void line(String text) throws IOException;
    }

    /**
     * Reads {@code in} to its end, handing each line (without its newline) to {@code lines}: cut at
     * {@link #MAX_LINE_BYTES}, decoded (bytes that are not UTF-8 become U+FFFD) and {@link #clean}ed.
     * Past {@code maxBytes} in all, lines are only counted (the program is drained, never blocked),
     * and one last line says how many bytes were cut. Memory stays at one line, whatever comes.
     */
    public static void readLines(InputStream in, long maxBytes, Lines lines) throws IOException {
        byte[] line = new byte[MAX_LINE_BYTES];
        int length = 0;
        long lineCut = 0;
        long delivered = 0;
        long dropped = 0;
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b != '\n') {
                    if (length < line.length) {
                        line[length++] = b;
                    } else {
                        lineCut++;
                    }
                    continue;
                }
                long kept = length + 1; // what the line costs once cut; the rest is said on it
                if (delivered + kept <= maxBytes) {
                    lines.line(lineText(line, length, lineCut));
                    delivered += kept;
                } else {
                    dropped += length + lineCut + 1;
                }
                length = 0;
                lineCut = 0;
            }
        }
        if (length > 0 || lineCut > 0) {
            if (delivered + length <= maxBytes) {
                lines.line(lineText(line, length, lineCut));
            } else {
                dropped += length + lineCut;
            }
        }
        if (dropped > 0) {
            lines.line(cutNote(dropped) + " (the output is kept up to " + maxBytes / 1024 + " KiB)");
        }
    }

    private static String lineText(byte[] line, int length, long cut) {
        String text = clean(decode(line, 0, length));
        return cut == 0 ? text : text + " " + cutNote(cut);
    }

    private static String decode(byte[] bytes, int offset, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder does not throw", e);
        }
    }
}
