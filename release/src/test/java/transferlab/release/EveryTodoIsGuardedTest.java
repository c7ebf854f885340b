package transferlab.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.release.InProcessBuild.Outcome;
import transferlab.release.InProcessBuild.Results;
import transferlab.release.TodoCatalogue.Todo;

/**
 * The proof that every TODO of the student tree is guarded (issue 9, item 3), the idea of
 * MutantsAreCaughtTest for TODOs. It generates the student tree, compiles it in this JVM, and walks
 * the TODOs in the order a student does them:
 * <ol>
 *   <li>at the start of each stage (earlier stages done, this stage's TODOs all stubs) it runs every
 *       test class of the stage's module: every failing test must be a guard of one of the stage's
 *       TODOs (nothing fails for another reason), and the first TODO's guards must fail;</li>
 *   <li>then it restores the TODOs one at a time, recompiling only the restored files: each TODO's
 *       guards must now pass, and the next TODO's guards must still fail on its stub.</li>
 * </ol>
 * A stage module's tests use only that stage and the ones before it, so the run of module k with
 * stages before k restored is exactly what a student's {@code mvn verify} shows at that point.
 */
class EveryTodoIsGuardedTest {
    @TempDir
    Path work;

    @Test
    void eachTodoFailsItsGuardsOnTheStubAndPassesThemWithTheReferenceBody() throws Exception {
        long began = System.nanoTime();
        StudentTree tree = new StudentTree(StudentTree.kitRoot());
        Map<String, SolutionSource> sources = tree.sources();
        Map<String, byte[]> files = tree.files(Set.of());
        InProcessBuild build = new InProcessBuild(work, InProcessBuild.librariesOfThisModule());
        build.compile(files);
        long compiled = System.nanoTime();

        List<Todo> todos = new ArrayList<>(tree.todos().all());
        todos.sort(Comparator.comparing(EveryTodoIsGuardedTest::order));
        List<Integer> stages = todos.stream().map(Todo::stage).distinct().toList();
        java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newFixedThreadPool(stages.size());
        List<String> timings = Collections.synchronizedList(new ArrayList<>());
        // The stages go side by side, each on its own thread with its own class loaders: most of a
        // test's time is waiting on sockets and timeouts. (InProcessBuild.run makes the few tests
        // that start processes take turns.)
        List<CompletableFuture<Void>> running = stages.stream().map(stage -> CompletableFuture.runAsync(() -> {
            try {
                proveStage(build, sources, todos, stage, timings);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, runner)).toList();
        try {
            for (CompletableFuture<Void> stage : running) {
                try {
                    stage.join();
                } catch (CompletionException e) {
                    if (e.getCause() instanceof AssertionError failure) {
                        throw failure;
                    }
                    throw e;
                }
            }
        } finally {
            runner.shutdown();
        }
        System.out.printf("EveryTodoIsGuardedTest: %d TODOs; generate and compile the tree %s, whole proof %s%n  %s%n",
                todos.size(), millisBetween(began, compiled), millis(began), String.join("\n  ", timings));
    }

    /**
     * One stage, from its start (every earlier stage restored, in one overlay) through its TODOs
     * one by one; see the class comment.
     */
    private static void proveStage(InProcessBuild build, Map<String, SolutionSource> sources, List<Todo> todos,
                                   int stage, List<String> timings) throws Exception {
        List<Todo> ofStage = todos.stream().filter(t -> t.stage() == stage).toList();
        Set<String> restored = new HashSet<>();
        todos.stream().filter(t -> t.stage() < stage).forEach(t -> restored.add(t.id()));
        List<Path> overlays = new ArrayList<>(); // newest first
        overlays.add(build.overlay(rendered(sources, restored, id -> restored.contains(id)), overlays));

        long start = System.nanoTime();
        String module = TodoCatalogue.moduleOfStage(stage);
        // The "also" tests may fail here whatever they do, so they are not run at all (they are slow).
        List<String> also = ofStage.stream().flatMap(t -> t.also().stream()).toList();
        // What the student's mvn verify runs: no fuzz tests (StudentTree.runByStudentBuild).
        List<String> stageClasses = build.testClassesOf(module).stream()
                .filter(name -> !also.contains(name.substring(name.lastIndexOf('.') + 1)))
                .filter(StudentTree::runByStudentBuild).toList();
        Results all = build.run(overlays, stageClasses, key -> also.stream().noneMatch(a -> matches(a, key)));
        Set<String> unguarded = new TreeSet<>();
        for (String failed : all.failed()) {
            if (ofStage.stream().noneMatch(t -> guards(t, failed))) {
                unguarded.add(failed + " (" + all.firstFailure().get(failed) + ")");
            }
        }
        assertThat(unguarded).as("tests of %s that fail with stage %d's TODOs as stubs but guard none of them"
                + " (a stub breaks more than its TODO, or todos.txt misses a guard)", module, stage).isEmpty();
        assertGuardsFail(ofStage.get(0), all);
        timings.add("stage " + stage + ": " + module + "'s tests with the stage's TODOs as stubs: " + millis(start));

        for (int i = 0; i < ofStage.size(); i++) {
            start = System.nanoTime();
            Todo todo = ofStage.get(i);
            restored.add(todo.id());
            overlays.add(0, build.overlay(rendered(sources, restored, id -> id.equals(todo.id())), overlays));
            Todo next = i + 1 < ofStage.size() ? ofStage.get(i + 1) : null;
            List<String> classes = new ArrayList<>(guardClasses(build, todo));
            if (next != null) {
                guardClasses(build, next).stream().filter(c -> !classes.contains(c)).forEach(classes::add);
            }
            Predicate<String> chosen = key -> guards(todo, key) || (next != null && guards(next, key));
            Results results = build.run(overlays, classes, chosen);
            for (String guard : todo.guards()) {
                Map<String, Outcome> ofGuard = new LinkedHashMap<>();
                results.outcomes().forEach((key, outcome) -> {
                    if (matches(guard, key)) {
                        ofGuard.put(key, outcome);
                    }
                });
                assertThat(ofGuard).as("%s's guard %s ran", todo.id(), guard).isNotEmpty();
                assertThat(ofGuard).as("%s's guard %s with the reference body (failures: %s)", todo.id(), guard,
                        results.firstFailure())
                        .allSatisfy((key, outcome) -> assertThat(outcome).isEqualTo(Outcome.PASSED));
            }
            if (next != null) {
                assertGuardsFail(next, results);
            }
            timings.add(todo.id() + " restored: " + millis(start));
        }
    }

    /** The Java files with a region that {@code touched} picks, rendered with {@code restored} restored. */
    private static Map<String, String> rendered(Map<String, SolutionSource> sources, Set<String> restored,
                                                Predicate<String> touched) {
        Map<String, String> changed = new LinkedHashMap<>();
        for (SolutionSource source : sources.values()) {
            if (source.path().endsWith(".java") && source.regions().stream().anyMatch(r -> touched.test(r.id()))) {
                changed.put(source.path(), source.render(restored));
            }
        }
        return changed;
    }

    /** Every guard of {@code todo} has at least one failing test among {@code results}. */
    private static void assertGuardsFail(Todo todo, Results results) {
        for (String guard : todo.guards()) {
            assertThat(results.failed().stream().filter(key -> matches(guard, key)).toList())
                    .as("%s's guard %s must fail while %s is a stub (outcomes: %s)", todo.id(), guard, todo.id(),
                            results.outcomes())
                    .isNotEmpty();
        }
    }

    private static List<String> guardClasses(InProcessBuild build, Todo todo) {
        return todo.guards().stream().map(g -> g.contains("#") ? g.substring(0, g.indexOf('#')) : g).distinct()
                .map(build::testClassNamed).toList();
    }

    private static boolean guards(Todo todo, String key) {
        return todo.guards().stream().anyMatch(guard -> matches(guard, key));
    }

    /** {@code Class} matches the class and each of its methods; {@code Class#method} that method. */
    static boolean matches(String guard, String key) {
        return guard.contains("#") ? key.equals(guard) : key.equals(guard) || key.startsWith(guard + "#");
    }

    /** stage1.2 before stage1.10. */
    private static String order(Todo todo) {
        String[] parts = todo.id().substring("stage".length()).split("\\.");
        return String.format("%03d.%03d", Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    private static String millis(long startNanos) {
        return millisBetween(startNanos, System.nanoTime());
    }

    private static String millisBetween(long from, long to) {
        return (to - from) / 1_000_000 + " ms";
    }
}
