package transferlab.grading.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kit's commands, {@code resources/commands.tsv}: the one table that the {@code ./transfer}
 * launcher reads to start a command and that {@link StageCheck} reads to start the kit's own
 * servers. A row is name, module, main class and what it does, separated by tabs; {@code #} starts
 * a comment. As the launcher does, the first row of a name whose module is in the checkout wins.
 */
public final class CommandTable {
    /** Where the table is, relative to the kit's root. */
    public static final String FILE = "resources/commands.tsv";

    /** One command: its module and main class. */
    public record Row(String name, String module, String mainClass) {
    }

    private CommandTable() {
    }

    /** The rows of the kit at {@code kit} whose module it has, by name. */
    public static Map<String, Row> of(Path kit) {
        Map<String, Row> rows = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(kit.resolve(FILE))) {
                String[] fields = line.split("\t");
                if (line.isBlank() || line.startsWith("#") || fields.length < 3) {
                    continue;
                }
                if (Files.isDirectory(kit.resolve(fields[1]).resolve("src/main"))) {
                    rows.putIfAbsent(fields[0], new Row(fields[0], fields[1], fields[2]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the command table " + kit.resolve(FILE), e);
        }
        return rows;
    }
}
