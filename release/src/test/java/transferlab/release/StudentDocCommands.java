package transferlab.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The commands a student tree's docs tell the student to type, in the order a student reads them:
 * its README.md, then the handouts (resources/handouts/*.md, by name: stage 1, 2, 3). A command is
 * a line of a code block (fenced, or indented four spaces) that starts with {@code ./transfer} or
 * {@code mvn}; a trailing {@code \} joins the next line, and a trailing {@code # comment} (outside
 * quotes) is dropped. So editing a doc changes what {@link StudentPathTranscriptTest} runs.
 */
final class StudentDocCommands {
    /** One command: the doc it is in (relative to the tree), its first line there, its text, its words. */
    record DocCommand(String doc, int line, String text, List<String> words) {
        boolean startsWith(String... prefix) {
            return words.size() >= prefix.length && words.subList(0, prefix.length).equals(List.of(prefix));
        }

        /** The word after {@code option}, or null. */
        String option(String option) {
            int at = words.indexOf(option);
            return at >= 0 && at + 1 < words.size() ? words.get(at + 1) : null;
        }

        @Override
        public String toString() {
            return doc + ":" + line + ": " + text;
        }
    }

    private StudentDocCommands() {
    }

    /** The commands of the tree's README.md and handouts, in reading order. */
    static List<DocCommand> of(Path tree) throws IOException {
        List<String> docs = new ArrayList<>(List.of("README.md"));
        try (Stream<Path> handouts = Files.list(tree.resolve("resources/handouts"))) {
            handouts.map(path -> "resources/handouts/" + path.getFileName()).filter(name -> name.endsWith(".md"))
                    .sorted().forEach(docs::add);
        }
        List<DocCommand> commands = new ArrayList<>();
        for (String doc : docs) {
            commands.addAll(in(doc, Files.readString(tree.resolve(doc))));
        }
        return commands;
    }

    /** The commands of one Markdown text. */
    static List<DocCommand> in(String doc, String markdown) {
        List<String> lines = markdown.lines().toList();
        List<DocCommand> commands = new ArrayList<>();
        boolean fenced = false;
        boolean indentedBlock = false; // an indented line opens a block only after a blank line
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            boolean indented = line.startsWith("    ") && (indentedBlock || i == 0 || lines.get(i - 1).isBlank());
            indentedBlock = indented || (indentedBlock && line.isBlank());
            String code = line.strip();
            if (!(fenced || indented) || !(code.startsWith("./transfer ") || code.startsWith("mvn "))) {
                continue;
            }
            int first = i;
            StringBuilder text = new StringBuilder();
            while (true) {
                String part = withoutComment(lines.get(i).strip());
                if (part.endsWith("\\") && i + 1 < lines.size()) {
                    text.append(part, 0, part.length() - 1).append(' ');
                    i++;
                } else {
                    text.append(part);
                    break;
                }
            }
            String joined = text.toString().replaceAll(" {2,}", " ").strip();
            commands.add(new DocCommand(doc, first + 1, joined, words(joined)));
        }
        return commands;
    }

    /** The line up to a {@code #} that starts a shell comment (after a space, outside quotes). */
    private static String withoutComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && i > 0 && line.charAt(i - 1) == ' ') {
                return line.substring(0, i).strip();
            }
        }
        return line;
    }

    /** The words as a POSIX shell splits them: quotes group and are removed (no escapes, no variables). */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("an unclosed quote in: " + command);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
