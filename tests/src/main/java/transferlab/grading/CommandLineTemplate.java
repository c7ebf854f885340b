package transferlab.grading;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command line with placeholders, as given to {@code --server-cmd} and {@code --client-cmd}:
 * {@code python3 server.py {port} {dir}}. Each placeholder is replaced by its value, quoted for
 * {@code /bin/sh} when it holds anything but plain path characters; the result runs with
 * {@code sh -c}, so the template may use {@code cd {dir} && ...} or environment variables.
 */
final class CommandLineTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([\\w-]+)}");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");

    private CommandLineTemplate() {
    }

    /** Fills every placeholder; one the template uses but {@code values} lacks is an error naming it. */
    static String fill(String template, Map<String, String> values) {
        Map<String, List<String>> words = new TreeMap<>();
        values.forEach((name, value) -> words.put(name, List.of(value)));
        return fillWords(template, words);
    }

    /**
     * The same, where a placeholder may stand for several words, each quoted on its own: ft's
     * {@code {request}} is {@code -l} or the two words {@code -g NAME}.
     */
    static String fillWords(String template, Map<String, List<String>> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            List<String> value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("unknown placeholder {" + matcher.group(1) + "} in '" + template
                        + "' (this command may use: " + String.join(", ", values.keySet().stream()
                        .map(name -> "{" + name + "}").sorted().toList()) + ")");
            }
            String quoted = String.join(" ", value.stream().map(CommandLineTemplate::shellQuoted).toList());
            matcher.appendReplacement(filled, Matcher.quoteReplacement(quoted));
        }
        matcher.appendTail(filled);
        return filled.toString();
    }

    static boolean uses(String template, String placeholder) {
        return template.contains("{" + placeholder + "}");
    }

    static String shellQuoted(String value) {
        return PLAIN.matcher(value).matches() ? value : "'" + value.replace("'", "'\"'\"'") + "'";
    }
}
