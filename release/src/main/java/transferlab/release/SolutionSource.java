package transferlab.release;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One source file of the reference, read as plain lines and solution regions. A region marks what
 * students write; the student tree gets its TODO line and its stub instead of its body:
 * <pre>
 *     // BEGIN SOLUTION
 *     // TODO(stage1.3): receive exactly size bytes into the temporary file — U3, U10
 *     // STUB: return -1;             (any number of these; "// STUB:" alone is an empty stub)
 *     ... the reference code ...
 *     // END SOLUTION
 * </pre>
 * Without a {@code STUB} line the stub throws {@code UnsupportedOperationException} (Java) or
 * {@code NotImplementedError} (Python) with the TODO's text. Python files write {@code #} for
 * {@code //}. Several regions may share one TODO id: they are one idea in several places, and are
 * restored together.
 */
public final class SolutionSource {
    static final Pattern TODO = Pattern.compile("TODO\\((stage\\d+\\.\\d+)\\): (.+)");
    private static final int MAX_COLUMNS = 120;

    /** What a student sees in place of a region, and what the region holds. */
    public record Region(String id, String todo, int line, String indent, List<String> stub, boolean emptyStub,
                         List<String> solution) {
    }

    private final String path;
    private final String comment;
    private final List<Object> parts; // String (a plain line) or Region

    private SolutionSource(String path, String comment, List<Object> parts) {
        this.path = path;
        this.comment = comment;
        this.parts = parts;
    }

    /** True if {@code text} has a solution marker at all (cheap; {@link #parse} checks the grammar). */
    public static boolean hasMarkers(String text) {
        return text.contains("BEGIN SOLUTION");
    }

    /**
     * Reads {@code text}, the file at {@code path} (used in error messages and to pick the comment
     * syntax).
     *
     * @throws IllegalArgumentException naming the file and line of a marker that breaks the grammar
     */
    public static SolutionSource parse(String path, String text) {
        String comment = path.endsWith(".py") || path.endsWith(".sh") ? "#" : "//";
        List<Object> parts = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.trim();
            if (trimmed.equals(comment + " END SOLUTION")) {
                throw new IllegalArgumentException(where(path, i) + "END SOLUTION without BEGIN SOLUTION");
            }
            if (!trimmed.equals(comment + " BEGIN SOLUTION")) {
                parts.add(line);
                continue;
            }
            int begin = i;
            String indent = line.substring(0, line.indexOf(comment));
            i++;
            String todoLine = i < lines.size() ? lines.get(i).trim() : "";
            String todoText = todoLine.startsWith(comment + " ") ? todoLine.substring(comment.length() + 1) : "";
            Matcher todo = TODO.matcher(todoText);
            if (!todo.matches()) {
                throw new IllegalArgumentException(where(path, i) + "BEGIN SOLUTION must be followed by '"
                        + comment + " TODO(stageN.M): what to write — requirements'");
            }
            List<String> stub = new ArrayList<>();
            boolean emptyStub = false;
            String stubPrefix = comment + " STUB:";
            while (i + 1 < lines.size() && lines.get(i + 1).trim().startsWith(stubPrefix)) {
                i++;
                String rest = lines.get(i).trim().substring(stubPrefix.length());
                String code = rest.startsWith(" ") ? rest.substring(1) : rest; // keep the stub's own indentation
                if (code.isBlank()) {
                    emptyStub = true;
                } else {
                    stub.add(indent + code);
                }
            }
            List<String> solution = new ArrayList<>();
            while (true) {
                i++;
                if (i >= lines.size()) {
                    throw new IllegalArgumentException(where(path, begin) + "BEGIN SOLUTION without END SOLUTION");
                }
                String body = lines.get(i);
                if (body.trim().equals(comment + " BEGIN SOLUTION")) {
                    throw new IllegalArgumentException(where(path, i) + "BEGIN SOLUTION inside another region");
                }
                if (body.trim().equals(comment + " END SOLUTION")) {
                    break;
                }
                solution.add(body);
            }
            if (emptyStub && !stub.isEmpty()) {
                throw new IllegalArgumentException(where(path, begin) + "an empty '" + stubPrefix
                        + "' and stub code in one region");
            }
            parts.add(new Region(todo.group(1), todo.group(2), begin + 1, indent, stub, emptyStub, solution));
        }
        return new SolutionSource(path, comment, parts);
    }

    private static String where(String path, int index) {
        return path + ":" + (index + 1) + ": ";
    }

    public String path() {
        return path;
    }

    public List<Region> regions() {
        return parts.stream().filter(Region.class::isInstance).map(Region.class::cast).toList();
    }

    /**
     * The file with the regions whose id is in {@code restored} as the reference has them (without
     * markers), and every other region as the student gets it: its TODO line and its stub. A Java
     * file keeps only the imports its text still names: a stub carries no import of the solution it
     * replaced (an import of {@code MessageDigest} above a stub says how to write it).
     */
    public String render(Set<String> restored) {
        String rendered = renderRegions(restored);
        return path.endsWith(".java") ? withoutUnusedImports(rendered) : rendered;
    }

    private static final Pattern IMPORT = Pattern.compile("import\\s+(?:static\\s+)?[\\w.]*?(\\w+)\\s*;\\s*");

    /**
     * The Java source without the single-type imports whose simple name (or, for a static import,
     * member name) no longer occurs anywhere else in it, comments included (so an import a Javadoc
     * link needs stays). Wildcard imports stay.
     */
    static String withoutUnusedImports(String java) {
        List<String> lines = java.lines().toList();
        StringBuilder rest = new StringBuilder();
        for (String line : lines) {
            if (!IMPORT.matcher(line.strip()).matches()) {
                rest.append(line).append('\n');
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            Matcher imported = IMPORT.matcher(line.strip());
            if (imported.matches() && !Pattern.compile("\\b" + imported.group(1) + "\\b").matcher(rest).find()) {
                continue;
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    private String renderRegions(Set<String> restored) {
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Region region) {
                List<String> lines = restored.contains(region.id()) ? region.solution() : studentLines(region);
                lines.forEach(line -> out.append(line).append('\n'));
            } else {
                out.append((String) part).append('\n');
            }
        }
        return out.toString();
    }

    /** The TODO line and the stub. */
    List<String> studentLines(Region region) {
        List<String> lines = new ArrayList<>();
        lines.add(region.indent() + comment + " TODO(" + region.id() + "): " + region.todo());
        if (!region.stub().isEmpty() || region.emptyStub()) {
            lines.addAll(region.stub());
            return lines;
        }
        String message = "TODO(" + region.id() + "): " + region.todo();
        if (comment.equals("#")) {
            lines.add(region.indent() + "raise NotImplementedError(\"" + message.replace("\"", "\\\"") + "\")");
            return lines;
        }
        String literal = "\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        String oneLine = region.indent() + "throw new UnsupportedOperationException(" + literal + ");";
        if (oneLine.length() <= MAX_COLUMNS) {
            lines.add(oneLine);
        } else {
            lines.add(region.indent() + "throw new UnsupportedOperationException(");
            lines.add(region.indent() + "        " + literal + ");");
        }
        return lines;
    }
}
