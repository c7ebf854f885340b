package transferlab.testkit;

/**
 * Text that came from a graded program, made safe to print in a report or a terminal: every
 * character that could steer a terminal (control characters, line and paragraph separators, the
 * bidirectional overrides and marks that reorder what a reader sees) shown as {@code \\uXXXX}.
 * The suite's own copy of the rule the stages' programs keep: it must not depend on their code.
 */
public final class PrintableText {
    private PrintableText() {
    }

    public static String of(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(steersTheTerminal(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    private static boolean steersTheTerminal(char c) {
        return Character.isISOControl(c)
                || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200e' || c == '\u200f' || c == '\u061c';
    }
}
