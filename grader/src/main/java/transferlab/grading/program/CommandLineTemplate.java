package transferlab.grading.program;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command line with placeholders, as given to {@code --server-cmd} and {@code --client-cmd}:
 * {@code python3 server.py {port} {dir}}. Each placeholder is replaced by its value, quoted for
 * {@code /bin/sh} when it holds anything but plain path characters; the result runs with
 * {@code sh -c}, so the template may use {@code cd {dir} && ...} or environment variables. A program
 * named relative to the grader's directory is found wherever the command runs
 * ({@link #anchoredToGraderDirectory}).
 */
public final class CommandLineTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([\\w-]+)}");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");
    private static final Pattern WORD = Pattern.compile("\\S+");

    private CommandLineTemplate() {
    }

    /** Fills every placeholder; one the template uses but {@code values} lacks is an error naming it. */
    public static String fill(String template, Map<String, String> values) {
        Map<String, List<String>> words = new TreeMap<>();
        values.forEach((name, value) -> words.put(name, List.of(value)));
        return fillWords(template, words);
    }

    /**
     * The same, where a placeholder may stand for several words, each quoted on its own: ft's
     * {@code {request}} is {@code -l} or the two words {@code -g NAME}.
     */
    public static String fillWords(String template, Map<String, List<String>> values) {
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

    /**
     * A client runs in a fresh directory of its own, and a server command often starts with
     * {@code cd {dir} && ...}: either way a program named by a relative path ({@code python3 server.py ...})
     * would not be found. So a word of the template that names a file of the directory the grader runs
     * in becomes that file's absolute path, for server and client commands alike.
     */
    public static String anchoredToGraderDirectory(String template) {
        Path here = Path.of("").toAbsolutePath();
        Matcher word = WORD.matcher(template);
        StringBuilder anchored = new StringBuilder();
        while (word.find()) {
            String text = word.group();
            boolean plainRelativePath = !text.startsWith("-") && !text.startsWith("/") && !text.contains("{")
                    && !text.contains("$") && !text.contains("'") && !text.contains("\"");
            String replacement = plainRelativePath && Files.isRegularFile(here.resolve(text))
                    ? shellQuoted(here.resolve(text).normalize().toString()) : text;
            word.appendReplacement(anchored, Matcher.quoteReplacement(replacement));
        }
        word.appendTail(anchored);
        return anchored.toString();
    }

    public static boolean uses(String template, String placeholder) {
        return template.contains("{" + placeholder + "}");
    }

    public static String shellQuoted(String value) {
        return PLAIN.matcher(value).matches() ? value : "'" + value.replace("'", "'\"'\"'") + "'";
    }
}
