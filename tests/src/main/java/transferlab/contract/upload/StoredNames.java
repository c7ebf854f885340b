package transferlab.contract.upload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import transferlab.testkit.LeftFiles;

/**
 * Under which names a server may store an upload of {@code NAME}. Our servers store it under
 * {@code NAME} itself ({@link #EXACT}). Seed 004's server template cannot: its line
 * {@code file_name += '.temp'+str(random.randint(1001,9999))} ("please do not change") stores
 * {@code NAME.temp<digits>}, and the README's step 5 suggests {@code NAME.temp}; the grader accepts
 * those too ({@link #SEED_004}), or the conventions given with {@code --stored-name}.
 *
 * <p>A pattern holds {@code {name}} once (the name the client sent) and may hold {@code {digits}}
 * (one or more decimal digits), e.g. {@code {name}.temp{digits}} or {@code received_{name}}.
 * The name the client sent is always accepted.
 */
public final class StoredNames {
    public static final String NAME = "{name}";
    public static final String DIGITS = "{digits}";

    /** Only the name the client sent: what resources/protocols/upload.md asks of every server (U3). */
    public static final StoredNames EXACT = new StoredNames(List.of());
    /** Seed 004's conventions besides the sent name: {@code NAME.temp} and {@code NAME.temp<digits>}. */
    public static final StoredNames SEED_004 = new StoredNames(List.of("{name}.temp", "{name}.temp{digits}"));

    private final List<String> patterns;

    private StoredNames(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** The sent name and these patterns; each must hold {@code {name}} exactly once and no '/'. */
    public static StoredNames of(List<String> patterns) {
        for (String pattern : patterns) {
            check(pattern);
        }
        return new StoredNames(patterns);
    }

    /** Throws IllegalArgumentException, saying what is wrong, for a pattern that cannot name a stored file. */
    public static void check(String pattern) {
        int first = pattern.indexOf(NAME);
        if (first < 0 || pattern.indexOf(NAME, first + 1) >= 0) {
            throw new IllegalArgumentException("a stored-name pattern holds {name} exactly once, e.g. '{name}.temp': '"
                    + pattern + "'");
        }
        if (pattern.contains("/") || pattern.contains("\\")) {
            throw new IllegalArgumentException("a stored-name pattern names a file in the server's directory, "
                    + "without '/' or '\\': '" + pattern + "'");
        }
    }

    /** Is {@code stored} a name under which an upload of {@code sent} may be stored? */
    public boolean matches(String stored, String sent) {
        if (stored.equals(sent)) {
            return true;
        }
        for (String pattern : patterns) {
            if (regex(pattern, sent).matcher(stored).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The file in {@code directory} that holds the upload of {@code sent}: the sent name if it
     * exists, else the first entry (in name order) matching a pattern.
     */
    public Optional<Path> find(Path directory, String sent) throws IOException {
        Path exact = directory.resolve(sent);
        if (LeftFiles.entry(exact).isPresent()) { // not following a link: what it is, the reader says
            return Optional.of(exact);
        }
        if (patterns.isEmpty()) {
            return Optional.empty();
        }
        return findAll(directory, sent).stream().findFirst();
    }

    /** Every file in {@code directory} that may hold the upload of {@code sent}, in name order. */
    public List<Path> findAll(Path directory, String sent) throws IOException {
        return LeftFiles.list(directory).stream().filter(entry -> matches(entry.name(), sent))
                .map(LeftFiles.Entry::path).toList();
    }

    /** For messages: "'x'" or "'x', 'x.temp' or 'x.temp<digits>'". */
    public String describe(String sent) {
        List<String> names = new ArrayList<>();
        names.add("'" + sent + "'");
        for (String pattern : patterns) {
            String name = "'" + pattern.replace(NAME, sent).replace(DIGITS, "<digits>") + "'";
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static Pattern regex(String pattern, String sent) {
        StringBuilder regex = new StringBuilder();
        Matcher placeholder = Pattern.compile("\\{name}|\\{digits}").matcher(pattern);
        int at = 0;
        while (placeholder.find()) {
            regex.append(Pattern.quote(pattern.substring(at, placeholder.start())));
            regex.append(placeholder.group().equals(NAME) ? Pattern.quote(sent) : "[0-9]+");
            at = placeholder.end();
        }
        regex.append(Pattern.quote(pattern.substring(at)));
        return Pattern.compile(regex.toString());
    }

    @Override
    public String toString() {
        return patterns.isEmpty() ? "{name}" : "{name}, " + String.join(", ", patterns);
    }
}
