package transferlab.grading;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which requirements are core and which are extensions, how many points each is worth, and
 * whether Gradescope shows it to students: the one file an instructor edits,
 * {@code grader/src/main/resources/grading/points.csv} (or another file given with {@code --points}).
 *
 * <pre>
 *   # requirement, scope, points, visibility, title
 *   U1, core, 2, visible, The header is 8 bytes of size (big-endian) and the name, sent at once
 *   U9, extension, 1, hidden, "ok &lt;sha256&gt;" once the file is stored
 * </pre>
 * Scope is {@code core} (what the seed protocol demands; always graded) or {@code extension}
 * (what Transfer Lab adds; graded with {@code --extensions}). Visibility is one of Gradescope's:
 * {@code visible}, {@code hidden}, {@code after_due_date}, {@code after_published}. The title may
 * contain commas. Lines starting with # and blank lines are ignored.
 */
public final class PointsTable {
    /** The classpath resource used when no {@code --points} file is given. */
    public static final String DEFAULT_RESOURCE = "/grading/points.csv";

    public enum Scope { CORE, EXTENSION }

    /** One line of the file. */
    public record Rule(String requirement, Scope scope, double points, String visibility, String title) {
    }

    private final Map<String, Rule> rules;
    private final String source;

    private PointsTable(Map<String, Rule> rules, String source) {
        this.rules = Collections.unmodifiableMap(rules);
        this.source = source;
    }

    public static PointsTable defaults() {
        try (InputStream in = PointsTable.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the points file " + DEFAULT_RESOURCE + " is not on the class path");
            }
            return parse(in, "classpath:" + DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PointsTable load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    static PointsTable parse(InputStream in, String source) throws IOException {
        Map<String, Rule> rules = new LinkedHashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNumber = 0;
        for (String line; (line = reader.readLine()) != null; ) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split(",", 5);
            if (fields.length < 3) {
                throw new IllegalArgumentException(source + ":" + lineNumber
                        + ": expected 'ID, core|extension, points[, visibility[, title]]', got '" + trimmed + "'");
            }
            String id = fields[0].strip();
            Scope scope = parseScope(fields[1].strip(), source, lineNumber);
            double points;
            try {
                points = Double.parseDouble(fields[2].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + ":" + lineNumber + ": points must be a number, got '"
                        + fields[2].strip() + "'");
            }
            String visibility = fields.length > 3 && !fields[3].isBlank() ? fields[3].strip() : "visible";
            if (!visibility.matches("visible|hidden|after_due_date|after_published")) {
                throw new IllegalArgumentException(source + ":" + lineNumber
                        + ": visibility must be visible, hidden, after_due_date or after_published, got '"
                        + visibility + "'");
            }
            String title = fields.length > 4 ? fields[4].strip() : "";
            if (rules.put(id, new Rule(id, scope, points, visibility, title)) != null) {
                throw new IllegalArgumentException(source + ":" + lineNumber + ": " + id + " is listed twice");
            }
        }
        return new PointsTable(rules, source);
    }

    private static Scope parseScope(String value, String source, int lineNumber) {
        try {
            return Scope.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ":" + lineNumber + ": scope must be core or extension, got '"
                    + value + "'");
        }
    }

    public Optional<Rule> rule(String requirement) {
        return Optional.ofNullable(rules.get(requirement));
    }

    public Collection<Rule> rules() {
        return rules.values();
    }

    /** Where the table came from, for the report. */
    public String source() {
        return source;
    }
}
