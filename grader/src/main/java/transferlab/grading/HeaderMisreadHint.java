package transferlab.grading;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hint for an upload whose content came out short or missing because the server misread the
 * header, not because its content loop is wrong: the server printed a size the test never sent
 * (a Python server's {@code Received:  with size = 0} after reading one byte of the header with
 * one recv). The contract cannot see that; the grader has the server's lines on the test's clock.
 */
final class HeaderMisreadHint {
    /** The test's note of a header it sent ({@code RawUploadClient}): "(as a header: size 5, name 'a.txt')". */
    private static final Pattern SENT = Pattern.compile("as a header: size (\\d+), name '([^']*)'");
    /** A size the server printed: "size = 0", "size: 12", "file_size=0". */
    private static final Pattern PRINTED_SIZE = Pattern.compile("(?i)size\\W{0,4}(\\d+)");

    private HeaderMisreadHint() {
    }

    /** {@code message} with the hint after its first line, when the timeline shows a misread header. */
    static String addedTo(String message, List<TimelineEvent> timeline) {
        List<Long> sizes = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        java.time.Duration firstSent = null;
        for (TimelineEvent event : timeline) {
            Matcher sent = SENT.matcher(event.text());
            if (event.source().equals("test") && sent.find()) {
                firstSent = firstSent == null ? event.at() : firstSent;
                sizes.add(Long.parseLong(sent.group(1)));
                headers.add("size " + sent.group(1) + ", name '" + sent.group(2) + "'");
            }
        }
        if (sizes.isEmpty()) {
            return message;
        }
        for (TimelineEvent event : timeline) {
            if (!event.source().equals("server") || event.text().startsWith("[")
                    || event.at().compareTo(firstSent) < 0) {
                continue; // what a server prints as it starts ("max size 1048576") is no reading of a header
            }
            Matcher printed = PRINTED_SIZE.matcher(event.text());
            while (printed.find()) {
                long size;
                try {
                    size = Long.parseLong(printed.group(1));
                } catch (NumberFormatException tooLong) {
                    continue;
                }
                if (!sizes.contains(size)) {
                    return withHint(message, String.format(Locale.ROOT, "look first at the header: the server "
                            + "printed '%s' at %.3f s, but the header sent said %s: it misread the header, and its "
                            + "content loop then waited for the wrong size. Was the header read with one recv? It "
                            + "may come in more than one piece: read the 8 bytes of size, then the name (U4)",
                            event.text().strip(), event.at().toNanos() / 1e9, String.join("; ", headers)));
                }
            }
        }
        return message;
    }

    private static String withHint(String message, String hint) {
        int end = message.indexOf('\n');
        return end < 0 ? message + "\n" + hint : message.substring(0, end) + "\n" + hint + message.substring(end);
    }
}
