package transferlab.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import transferlab.release.GeneratedStudentTree.Run;
import transferlab.release.StudentDocCommands.DocCommand;
import transferlab.release.TodoCatalogue.Todo;

/**
 * The student's path, executed (issue 19, part 1): the commands of the student tree's README and
 * handouts ({@link StudentDocCommands}: editing a doc changes what runs here), run in a generated
 * student tree, in the docs' order. A doc command that no longer works fails this test.
 * <ol>
 *   <li>The first run, on the untouched tree: the README's {@code mvn -q verify} fails, and only on
 *       stage 1's guard tests (todos.txt), in under 300 lines; the README's command of the first
 *       TODO then runs exactly that TODO's guards; and {@code check stage1} of that untouched server
 *       quotes the stub that stops it, which names the first TODO to do.</li>
 *   <li>The README's one-TODO commands are todos.txt's, one per TODO, in its order:
 *       {@link EveryTodoIsGuardedTest} proves that, with the reference regions put back one at a
 *       time in that order, each one's guards turn green.</li>
 *   <li>Further on the path ({@link GeneratedStudentTree}: the servers done, the clients not): every
 *       {@code ./transfer} command of the docs names a command of the tree and only options it
 *       has, and the README's {@code ./transfer check stage1} says "Ready to hand in" once stage 1's
 *       TODOs are written. The handouts' own "Ready to hand in" commands for the completed Python
 *       starters run in {@link StudentTreeGradesLikeTheKitTest}, taken from the handouts too.</li>
 * </ol>
 * The first run uses its own directory: the shared tree is a student's later state, and what Maven
 * compiles for the first run (testkit and single-client, with stubs) is not the launcher's build.
 */
class StudentPathTranscriptTest {
    /** The issue's bound for a first {@code mvn -q verify}: a student reads its output. */
    static final int FIRST_RUN_MAX_LINES = 300;
    private static final Pattern OPTION = Pattern.compile("--[a-z][a-z-]*");

    @Test
    void theDocsCommandsWorkInTheStudentTreeInTheirOrder() throws Exception {
        long began = System.nanoTime();
        StudentTree tree = new StudentTree(StudentTree.kitRoot());
        Path firstRun = Path.of("target", "student-first-run").toAbsolutePath();
        GeneratedStudentTree.deleteRecursively(firstRun);
        for (Map.Entry<String, byte[]> file : tree.files(Set.of()).entrySet()) {
            Path target = firstRun.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue());
        }
        Files.createDirectories(firstRun.resolve(".mvn"));
        Files.writeString(firstRun.resolve(".mvn/maven.config"), "-o\n"); // every library is local already

        List<DocCommand> commands = StudentDocCommands.of(firstRun);
        List<DocCommand> readme = commands.stream().filter(c -> c.doc().equals("README.md")).toList();
        DocCommand verifyAll = only(readme, c -> c.words().equals(List.of("mvn", "-q", "verify")), "mvn -q verify");
        List<DocCommand> perTodo = readme.stream().filter(c -> c.startsWith("mvn") && c.text().contains("-Dtest="))
                .toList();
        assertThat(perTodo).as("the README's one-TODO commands, in order: one per TODO of todos.txt")
                .extracting(DocCommand::text)
                .containsExactlyElementsOf(tree.shippedTodos().stream().map(TodoCatalogue::command).toList());

        CompletableFuture<String> firstRunChecked = CompletableFuture.supplyAsync(() -> {
            try {
                return checkFirstRun(tree, firstRun, verifyAll, perTodo.get(0));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        String laterChecked = checkLaterOnThePath(commands);
        String firstRunTimes;
        try {
            firstRunTimes = firstRunChecked.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof AssertionError failure) {
                throw failure;
            }
            throw e;
        }
        System.out.printf("StudentPathTranscriptTest: %d doc commands; %s; %s; whole transcript %d ms%n",
                commands.size(), firstRunTimes, laterChecked, (System.nanoTime() - began) / 1_000_000);
    }

    /** Step 1 of the class comment, in the untouched tree at {@code dir}; returns its timings. */
    private static String checkFirstRun(StudentTree tree, Path dir, DocCommand verifyAll, DocCommand firstTodo)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Run verify = GeneratedStudentTree.runIn(dir, GeneratedStudentTree.BUILD_MINUTES, verifyAll.words());
        long verified = System.nanoTime();
        assertThat(verify.exitStatus()).as("%s on the untouched tree fails:\n%s", verifyAll, verify.output())
                .isNotZero();
        assertThat(verify.output().lines().count()).as("lines of the first %s:\n%s", verifyAll, verify.output())
                .isLessThan(FIRST_RUN_MAX_LINES);
        Map<String, Boolean> ran = testCases(dir);
        List<Todo> stage1 = tree.shippedTodos().stream().filter(t -> t.stage() == 1).toList();
        Set<String> failedUnguarded = new TreeSet<>();
        ran.forEach((test, failed) -> {
            if (failed && stage1.stream().noneMatch(t -> guards(t, test))) {
                failedUnguarded.add(test);
            }
        });
        assertThat(failedUnguarded).as("tests that fail on the untouched tree but guard no stage 1 TODO; %s "
                + "printed:\n%s", verifyAll, verify.output()).isEmpty();
        for (Todo todo : stage1) {
            assertThat(ran.entrySet()).as("a failing guard of %s in the first %s", todo.id(), verifyAll)
                    .anySatisfy(e -> assertThat(e.getValue() && guards(todo, e.getKey())).isTrue());
        }
        assertThat(verify.output()).as("Maven stops at stage 1's module").contains("single-client")
                .doesNotContain("multi-client");

        Todo todo = tree.shippedTodos().get(0);
        for (String module : List.of("testkit", TodoCatalogue.moduleOfStage(todo.stage()))) {
            GeneratedStudentTree.deleteRecursively(dir.resolve(module).resolve("target/surefire-reports"));
        }
        Run one = GeneratedStudentTree.runIn(dir, GeneratedStudentTree.BUILD_MINUTES, firstTodo.words());
        long oneTodo = System.nanoTime();
        assertThat(one.exitStatus()).as("%s fails while %s is a stub:\n%s", firstTodo, todo.id(), one.output())
                .isNotZero();
        Map<String, Boolean> ranByOne = testCases(dir);
        assertThat(ranByOne).as("the tests %s ran:\n%s", firstTodo, one.output()).isNotEmpty()
                .allSatisfy((test, failed) -> assertThat(guards(todo, test)).as("%s guards %s", test, todo.id())
                        .isTrue());
        for (String guard : todo.guards()) {
            assertThat(ranByOne.keySet()).as("%s ran %s's guard %s", firstTodo, todo.id(), guard)
                    .anyMatch(test -> EveryTodoIsGuardedTest.matches(guard, test));
        }

        // check stage1 on the untouched server: the shared tree's grader, the server Maven just compiled
        // here (the README's ./transfer check stage1 would build this whole tree with the launcher first).
        GeneratedStudentTree shared = GeneratedStudentTree.shared();
        String classPath = String.join(java.io.File.pathSeparator, dir.resolve("single-client/target/classes")
                .toString(), dir.resolve("testkit/target/classes").toString(),
                Files.readString(shared.root().resolve("single-client/target/runtime.classpath")).strip());
        Run check = shared.transfer("check", "stage1", "--server-cmd", "java -cp " + classPath
                + " transferlab.upload.UploadServerCommand --port {port} --dir {dir}");
        // In its own words: a server seen listening before it closed fails the tests with its output
        // in their timelines; one seen exited first stops the run, and the stop quotes the TODO line.
        assertThat(check.output()).as("check stage1 of the untouched server names the TODO that stops it and "
                + "the first TODO to do").contains("TODO(stage1.4): no accept loop yet").contains("stage1.1 first");
        assertThat(check.exitStatus()).isNotZero();
        return String.format("first mvn -q verify %d ms (%d lines), %s's command %d ms, check stage1 of the "
                        + "untouched server %d ms", (verified - start) / 1_000_000, verify.output().lines().count(),
                todo.id(), (oneTodo - verified) / 1_000_000, (System.nanoTime() - oneTodo) / 1_000_000);
    }

    /** Step 3 of the class comment, in the shared tree; returns its timings. */
    private static String checkLaterOnThePath(List<DocCommand> commands) throws Exception {
        long start = System.nanoTime();
        GeneratedStudentTree shared = GeneratedStudentTree.shared();
        long built = System.nanoTime();
        List<DocCommand> transfer = commands.stream().filter(c -> c.startsWith("./transfer")).toList();
        Run help = shared.transfer("--help");
        assertThat(help.exitStatus()).as(help.output()).isZero();
        Map<String, Set<String>> optionsByCommand = new TreeMap<>();
        for (DocCommand command : transfer) {
            assertThat(command.words()).as("a command after ./transfer: %s", command).hasSizeGreaterThan(1);
            String name = command.words().get(1);
            assertThat(help.output()).as("./transfer --help offers %s (%s)", name, command)
                    .containsPattern("(?m)^  " + Pattern.quote(name) + " ");
            // Only the words of ./transfer itself: a quoted --server-cmd's own options are the program's.
            Set<String> options = optionsByCommand.computeIfAbsent(name, n -> new TreeSet<>());
            command.words().stream().skip(2).filter(word -> OPTION.matcher(word).matches()).forEach(options::add);
        }
        Map<String, CompletableFuture<Run>> runs = new LinkedHashMap<>();
        for (String name : optionsByCommand.keySet()) {
            runs.put(name + " --help", inBackground(shared, name, "--help"));
        }
        DocCommand checkStage1 = only(commands.stream().filter(c -> c.doc().equals("README.md")).toList(),
                c -> c.words().equals(List.of("./transfer", "check", "stage1")), "./transfer check stage1");
        runs.put("check stage1", inBackground(shared, checkStage1.words().subList(1, 3).toArray(String[]::new)));
        CompletableFuture.allOf(runs.values().toArray(CompletableFuture[]::new)).join();
        optionsByCommand.forEach((name, options) -> {
            Run run = runs.get(name + " --help").join();
            assertThat(run.exitStatus()).as("./transfer %s --help:\n%s", name, run.output()).isZero();
            for (String option : options) {
                assertThat(run.output()).as("./transfer %s has the docs' option %s", name, option)
                        .containsPattern(Pattern.quote(option) + "\\b");
            }
        });
        Run stage1 = runs.get("check stage1").join();
        assertThat(stage1.output()).as("%s with stage 1's TODOs written", checkStage1).contains("Ready to hand in");
        assertThat(stage1.exitStatus()).as(stage1.output()).isZero();
        return String.format("shared tree %d ms, its --help runs and check stage1 %d ms", (built - start) / 1_000_000,
                (System.nanoTime() - built) / 1_000_000);
    }

    /**
     * Each test case of the tree's surefire reports (simple class name {@code #} method, as the
     * guards are written) and whether it failed.
     */
    private static Map<String, Boolean> testCases(Path tree) throws IOException {
        Pattern testCase = Pattern.compile("<testcase name=\"([^\"(\\[]+)[^\"]*\" classname=\"([^\"]+)\"[^>]*?(/>|>)");
        Map<String, Boolean> cases = new TreeMap<>();
        List<Path> reports;
        try (Stream<Path> files = Files.walk(tree)) {
            reports = files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")
                    && f.getParent().getFileName().toString().equals("surefire-reports")).toList();
        }
        for (Path report : reports) {
            String xml = Files.readString(report);
            Matcher matcher = testCase.matcher(xml);
            while (matcher.find()) {
                String className = matcher.group(2);
                String key = className.substring(className.lastIndexOf('.') + 1).replaceAll("\\$.*", "") + "#"
                        + matcher.group(1);
                boolean failed = false;
                if (matcher.group(3).equals(">")) {
                    int end = xml.indexOf("</testcase>", matcher.end());
                    String body = xml.substring(matcher.end(), end < 0 ? xml.length() : end);
                    failed = body.contains("<failure") || body.contains("<error");
                }
                cases.merge(key, failed, Boolean::logicalOr);
            }
        }
        return cases;
    }

    private static boolean guards(Todo todo, String test) {
        return todo.guards().stream().anyMatch(guard -> EveryTodoIsGuardedTest.matches(guard, test));
    }

    private static DocCommand only(List<DocCommand> commands, java.util.function.Predicate<DocCommand> which,
                                   String what) {
        List<DocCommand> found = commands.stream().filter(which).toList();
        assertThat(found).as("the README's command %s (its commands: %s)", what, commands).isNotEmpty();
        return found.get(0);
    }

    private static CompletableFuture<Run> inBackground(GeneratedStudentTree tree, String... args) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return tree.transfer(args);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }
}
