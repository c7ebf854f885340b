package transferlab.release;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TODOs of the student tree and the tests that guard each ({@code todos.txt}): the tests that
 * fail on the TODO's stub and pass with the reference's body. The proof checks exactly that; the
 * student README lists them, so a student knows which test says a TODO is done.
 */
public final class TodoCatalogue {
    /**
     * One TODO: its id ({@code stage1.3}), its guards ({@code UploadHeaderTest} or {@code Class#method}),
     * and the stage's integration tests that also fail while it is a stub ("also": they need several
     * TODOs at once and are slow, so the proof does not run them; the reference build proves they
     * pass once every body is written).
     */
    public record Todo(String id, List<String> guards, List<String> also) {
        public int stage() {
            return Integer.parseInt(id.substring("stage".length(), id.indexOf('.')));
        }
    }

    private final Map<String, Todo> todos;

    private TodoCatalogue(Map<String, Todo> todos) {
        this.todos = todos;
    }

    static TodoCatalogue load() {
        Map<String, Todo> todos = new LinkedHashMap<>();
        for (String line : joinContinuations(StudentTree.resourceLines("todos.txt"))) {
            String[] fields = line.split("\\s+", 2);
            if (fields.length < 2 || !fields[0].matches("stage\\d+\\.\\d+")) {
                throw new IllegalStateException("todos.txt: expected 'stageN.M  Test, Test#method', got '"
                        + line + "'");
            }
            String[] lists = fields[1].split("\\s*\\|\\s*also:\\s*", 2);
            List<String> guards = List.of(lists[0].strip().split("\\s*,\\s*"));
            if (guards.stream().anyMatch(String::isEmpty)) {
                throw new IllegalStateException("todos.txt: an empty guard in '" + line + "'");
            }
            for (String guard : guards) {
                String testClass = guard.contains("#") ? guard.substring(0, guard.indexOf('#')) : guard;
                if (!StudentTree.runByStudentBuild(testClass)) {
                    throw new IllegalStateException("todos.txt: " + guard + " guards " + fields[0]
                            + ", but the student tree's build does not run it (StudentTree.runByStudentBuild)");
                }
            }
            List<String> also = lists.length > 1 ? List.of(lists[1].strip().split("\\s*,\\s*")) : List.of();
            if (todos.put(fields[0], new Todo(fields[0], guards, also)) != null) {
                throw new IllegalStateException("todos.txt: " + fields[0] + " twice");
            }
        }
        return new TodoCatalogue(todos);
    }

    /** A line that starts with a comma or "| also:" continues the TODO above it. */
    private static List<String> joinContinuations(List<String> lines) {
        List<String> joined = new ArrayList<>();
        for (String line : lines) {
            if ((line.startsWith(",") || line.startsWith("|")) && !joined.isEmpty()) {
                if (line.startsWith(",") && joined.get(joined.size() - 1).contains("| also:")) {
                    throw new IllegalStateException("todos.txt: a guard after '| also:' (put '| also:' last): " + line);
                }
                String previous = joined.get(joined.size() - 1);
                boolean moreAlso = line.startsWith("| also:") && previous.contains("| also:");
                String added = moreAlso ? "," + line.substring("| also:".length()) : line;
                joined.set(joined.size() - 1, previous + " " + added);
            } else {
                joined.add(line);
            }
        }
        return joined;
    }

    public Collection<Todo> all() {
        return todos.values();
    }

    /** The TODOs' ids, in order. */
    public Set<String> ids() {
        return new java.util.LinkedHashSet<>(todos.keySet());
    }

    /** The Maven module whose tests guard the TODOs of {@code stage}. */
    public static String moduleOfStage(int stage) {
        return switch (stage) {
            case 1 -> "single-client";
            case 2 -> "multi-client";
            case 3 -> "parallel-transfer";
            default -> throw new IllegalArgumentException("no module for stage " + stage);
        };
    }

    /**
     * The command that runs exactly {@code todo}'s guards in the student tree: green once the TODO
     * (and the ones before it) is written, whatever the TODOs after it still are.
     */
    public static String command(Todo todo) {
        return "mvn -q -pl " + moduleOfStage(todo.stage()) + " -am verify -Dtest='" + String.join(",", todo.guards())
                + "' -Dsurefire.failIfNoSpecifiedTests=false";
    }

    /** The student README's block of {@link #command}s, one per TODO, indented as Markdown code. */
    static String commands(List<Todo> todos) {
        StringBuilder block = new StringBuilder();
        for (Todo todo : todos) {
            block.append("    # ").append(todo.id()).append('\n').append("    ").append(command(todo)).append('\n');
        }
        return block.toString().stripTrailing();
    }

    public Todo get(String id) {
        Todo todo = todos.get(id);
        if (todo == null) {
            throw new IllegalArgumentException("no TODO " + id + " in todos.txt");
        }
        return todo;
    }

    /** Fails unless the regions in the sources and the catalogue name the same TODOs. */
    void checkAgainst(Collection<SolutionSource> sources) {
        Set<String> inSources = new TreeSet<>();
        sources.forEach(source -> source.regions().forEach(region -> inSources.add(region.id())));
        Set<String> unlisted = new TreeSet<>(inSources);
        unlisted.removeAll(todos.keySet());
        Set<String> missing = new TreeSet<>(todos.keySet());
        missing.removeAll(inSources);
        if (!unlisted.isEmpty() || !missing.isEmpty()) {
            throw new IllegalStateException("solution regions and todos.txt disagree: regions without guards "
                    + unlisted + ", guards without a region " + missing);
        }
    }

    /** The student README's table: each TODO, where it is in the tree, and the tests that check it. */
    String markdownTable(Map<String, byte[]> files, List<Todo> shipped) {
        StringBuilder table = new StringBuilder("| TODO | where | what to write | the tests that check it |\n"
                + "|---|---|---|---|\n");
        for (Todo todo : shipped) {
            List<String> places = new ArrayList<>();
            String what = "";
            String mark = "TODO(" + todo.id() + "): ";
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                List<String> lines = new String(file.getValue(), StandardCharsets.UTF_8).lines().toList();
                for (int i = 0; i < lines.size(); i++) {
                    int at = lines.get(i).indexOf(mark);
                    if (at >= 0 && (lines.get(i).trim().startsWith("//") || lines.get(i).trim().startsWith("#"))) {
                        places.add("`" + file.getKey() + ":" + (i + 1) + "`");
                        what = what.isEmpty() ? lines.get(i).substring(at + mark.length()).strip() : what;
                    }
                }
            }
            table.append("| ").append(todo.id()).append(" | ").append(String.join("<br>", places)).append(" | ")
                    .append(what.replace("|", "\\|")).append(" | ")
                    .append(String.join(", ", todo.guards().stream().map(g -> "`" + g + "`").toList()))
                    .append(todo.also().isEmpty() ? "" : "; with the stage's other TODOs also "
                            + String.join(", ", todo.also().stream().map(g -> "`" + g + "`").toList()))
                    .append(" |\n");
        }
        return table.toString();
    }
}
