package transferlab.grading.stage;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import transferlab.grading.CheckPlan;
import transferlab.grading.CheckResult;
import transferlab.grading.PointsTable;
import transferlab.grading.RequirementVerdict;
import transferlab.grading.SuiteRunner;
import transferlab.grading.Verdict;
import transferlab.grading.report.TerminalReport;
import transferlab.grading.program.Network;
import transferlab.grading.program.Sandbox;

/**
 * {@code ./transfer check stage1|stage2|stage3}: grades a stage's lesson, part by part, as
 * {@link StageProfile} lists it, each part through {@link SuiteRunner} as {@code check PROTOCOL}
 * would, and adds the points up.
 *
 * <p>Which program each part grades: with no command given, the kit's own Java program of the
 * profile line, started from this checkout's build ({@code java -cp} of the running grader, the
 * main class from the {@code ./transfer} launcher's table); that is how a student checks the Java
 * TODOs of a stage. Otherwise {@code --server-cmd} is the stage's first server part,
 * {@code --client-cmd} its first client part, and {@code --cmd PART=COMMAND} any part; a part left
 * without a command is not graded, and the report says so and how to grade it.
 */
public final class StageCheck {
    /** Faster start for the many short-lived servers a stage check runs (one per test). */
    /** A system property naming the kit's root, where the grader's classes are not inside it. */
    public static final String KIT_PROPERTY = "transferlab.kit";
    static final String JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    private StageCheck() {
    }

    /**
     * A part's outcome: its grading, or why it was not graded.
     *
     * @param command the command line as the student reads it (the kit's own as {@code ./transfer ...})
     */
    public record PartResult(StageProfile.Part part, String command, CheckResult result, String notGraded) {
        public boolean graded() {
            return result != null;
        }
    }

    /** The whole stage: every part's outcome, in the profile's order. */
    public record Result(String stage, List<PartResult> parts) {
        public Result {
            parts = List.copyOf(parts);
        }

        public double score() {
            return parts.stream().filter(PartResult::graded).mapToDouble(part -> part.result().score()).sum();
        }

        public double maxScore() {
            return parts.stream().filter(PartResult::graded).mapToDouble(part -> part.result().maxScore()).sum();
        }

        /** True when something was graded and every graded part passed. */
        public boolean passed() {
            return parts.stream().anyMatch(PartResult::graded)
                    && parts.stream().filter(PartResult::graded).allMatch(part -> part.result().passed());
        }

        /** The failed requirements of every part, e.g. [U4, U10]. */
        public List<String> failed() {
            return parts.stream().filter(PartResult::graded)
                    .flatMap(part -> part.result().requirements(Verdict.FAIL).stream()).distinct().toList();
        }

        /**
         * Every graded part's verdicts as one result, for the one-file reports (Gradescope, JUnit
         * XML, HTML); it is labelled with the first graded part's protocol.
         */
        public Optional<CheckResult> combined() {
            List<CheckResult> graded = parts.stream().filter(PartResult::graded).map(PartResult::result).toList();
            if (graded.isEmpty()) {
                return Optional.empty();
            }
            List<RequirementVerdict> verdicts = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            List<String> unmapped = new ArrayList<>();
            java.time.Duration duration = java.time.Duration.ZERO;
            String stopped = "";
            for (CheckResult part : graded) {
                verdicts.addAll(part.verdicts());
                warnings.addAll(part.warnings());
                unmapped.addAll(part.unmappedTests());
                duration = duration.plus(part.duration());
                stopped = stopped.isEmpty() ? part.stopped() : stopped;
            }
            CheckResult first = graded.get(0);
            return Optional.of(new CheckResult(first.protocol(), stage + ": " + String.join("; ",
                    graded.stream().map(CheckResult::target).toList()), true, verdicts, 0, unmapped, warnings,
                    duration, first.runs(), Map.of(), stopped, first.sandbox()));
        }

        public Optional<PartResult> part(String name) {
            return parts.stream().filter(part -> part.part().name().equals(name)).findFirst();
        }
    }

    /**
     * What to run: the commands the user gave (all null/empty: the kit's own Java programs), and
     * the rest of a {@link CheckPlan} without its protocol, target and requirements.
     *
     * @param tests       only the contract tests whose method name matches (null: all); used by our own tests
     * @param storedNames U: the names, besides the sent one, a server may store an upload under
     */
    public record Options(String serverCommand, String clientCommand, Map<String, String> partCommands,
                          boolean withFt, double timeoutFactor, PointsTable points, int repeat,
                          java.time.Duration timeLimit, Network network, java.util.regex.Pattern tests,
                          List<String> storedNames, int testsAtOnce) {
        public Options {
            partCommands = Map.copyOf(partCommands);
            storedNames = List.copyOf(storedNames);
        }

        /** One contract test at a time. */
        public Options(String serverCommand, String clientCommand, Map<String, String> partCommands,
                       boolean withFt, double timeoutFactor, PointsTable points, int repeat,
                       java.time.Duration timeLimit, Network network, java.util.regex.Pattern tests,
                       List<String> storedNames) {
            this(serverCommand, clientCommand, partCommands, withFt, timeoutFactor, points, repeat, timeLimit,
                    network, tests, storedNames, 1);
        }

        /** Uploads stored under the name sent only. */
        public Options(String serverCommand, String clientCommand, Map<String, String> partCommands,
                       boolean withFt, double timeoutFactor, PointsTable points, int repeat,
                       java.time.Duration timeLimit, Network network, java.util.regex.Pattern tests) {
            this(serverCommand, clientCommand, partCommands, withFt, timeoutFactor, points, repeat, timeLimit,
                    network, tests, List.of());
        }

        /** The kit's own programs, every part, straight to the server, once. */
        public static Options kitsOwn(PointsTable points) {
            return new Options(null, null, Map.of(), false, 1, points, 1, null, Network.DIRECT, null);
        }

        boolean anyCommand() {
            return serverCommand != null || clientCommand != null || !partCommands.isEmpty();
        }
    }

    public static Result run(StageProfile profile, Options options) {
        return run(profile, options, Sandbox.Policy.DEFAULT);
    }

    /** The same, every part's programs boxed as {@code sandbox} says ({@code --sandbox}). */
    public static Result run(StageProfile profile, Options options, Sandbox.Policy sandbox) {
        for (String name : options.partCommands().keySet()) {
            if (!profile.byName().containsKey(name)) {
                throw new IllegalArgumentException("--cmd " + name + "=...: " + profile.stage() + " has no part "
                        + name + " (its parts: " + String.join(", ", profile.byName().keySet()) + ")");
            }
        }
        Map<StageProfile.Part, String[]> commands = commands(profile, options);
        List<PartResult> results = new ArrayList<>();
        for (StageProfile.Part part : profile.parts()) {
            if (part.ftOnly() && !options.withFt()) {
                results.add(new PartResult(part, null, null, "list/get is graded with --ft"));
                continue;
            }
            String[] command = commands.get(part);
            if (command == null) {
                results.add(new PartResult(part, null, null, "no command given for it (--cmd " + part.name()
                        + "=\"...\"" + firstOfItsSide(profile, part) + ")"));
                continue;
            }
            if (part.protocol().checkClasses(part.targetKind()).isEmpty()) {
                results.add(new PartResult(part, command[1], null, "this build has no check for a "
                        + part.protocol().commandName() + " " + part.side().name().toLowerCase(Locale.ROOT) + " yet"));
                continue;
            }
            CheckPlan plan = new CheckPlan(part.protocol(), new CheckPlan.TargetSpec(part.targetKind(), command[0]),
                    false, options.timeoutFactor(), options.points(), part.requirements(), !part.concurrent(),
                    options.tests(), options.repeat(), options.timeLimit(), options.network(), options.storedNames(),
                    sandbox).withTestsAtOnce(options.testsAtOnce());
            CheckResult graded = SuiteRunner.run(plan);
            results.add(new PartResult(part, command[1], withTarget(graded, describe(part, command[1])), ""));
        }
        return new Result(profile.stage(), results);
    }

    private static String firstOfItsSide(StageProfile profile, StageProfile.Part part) {
        StageProfile.Part first = profile.parts().stream().filter(p -> p.side() == part.side()).findFirst()
                .orElseThrow();
        return first != part ? "" : part.side() == StageProfile.Side.SERVER ? ", or --server-cmd" : ", or --client-cmd";
    }

    /** Each part's command: [what runs, what the report shows]; a part without one is absent. */
    private static Map<StageProfile.Part, String[]> commands(StageProfile profile, Options options) {
        Map<StageProfile.Part, String[]> commands = new LinkedHashMap<>();
        if (!options.anyCommand()) {
            Function<String, String> kit = kitCommands();
            for (StageProfile.Part part : profile.parts()) {
                if (!part.command().isBlank()) {
                    commands.put(part, new String[] {kit.apply(part.command()), "./transfer " + part.command()});
                }
            }
            return commands;
        }
        boolean serverGiven = false;
        boolean clientGiven = false;
        for (StageProfile.Part part : profile.parts()) {
            String command = options.partCommands().get(part.name());
            if (command == null && part.side() == StageProfile.Side.SERVER && !serverGiven) {
                command = options.serverCommand();
            }
            if (command == null && part.side() == StageProfile.Side.CLIENT && !clientGiven) {
                command = options.clientCommand();
            }
            serverGiven |= part.side() == StageProfile.Side.SERVER;
            clientGiven |= part.side() == StageProfile.Side.CLIENT;
            if (command != null) {
                commands.put(part, new String[] {command, command});
            }
        }
        return commands;
    }

    private static String describe(StageProfile.Part part, String shown) {
        return (part.side() == StageProfile.Side.SERVER ? "server command: " : "client command: ") + shown;
    }

    private static CheckResult withTarget(CheckResult result, String target) {
        // A stage grades the extensions its profile lists: the report's header says so.
        return new CheckResult(result.protocol(), target, true, result.verdicts(),
                0, result.unmappedTests(), result.warnings(), result.duration(), result.runs(),
                result.flakyFailedRuns(), result.stopped(), result.sandbox());
    }

    /**
     * A {@code ./transfer} command line ({@code upload-server --port {port} ...}) as the Java
     * command that runs the same main class ({@link CommandTable}) without the launcher's rebuild
     * check (a grading inside {@code mvn verify} must not start Maven). The class path: this JVM's
     * own where it has the class (the grader's tests, which have the stages in test scope), else the
     * module's jar and runtime libraries as the launcher's build left them (the grader itself never
     * has a stage on its class path).
     */
    public static Function<String, String> kitCommands() {
        return commandsOn(null);
    }

    /**
     * The same, on the class path given: a Java hand-in (a student tree) compiled by the grader,
     * its main classes taken from this kit's command table (never from the hand-in's); null: the
     * kit's own, as {@link #kitCommands}.
     */
    public static Function<String, String> commandsOn(String givenClassPath) {
        Path kit = kitRoot();
        Map<String, CommandTable.Row> rows = CommandTable.of(kit);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return line -> {
            String name = line.strip().split("\\s+", 2)[0];
            CommandTable.Row row = rows.get(name);
            if (row == null) {
                throw new IllegalArgumentException("the profile names './transfer " + name + "', which the launcher "
                        + "does not list (" + String.join(", ", rows.keySet()) + ")");
            }
            String classPath = givenClassPath != null ? givenClassPath : classPath(kit, row);
            return shellQuoted(java) + " " + JAVA_OPTIONS + " -cp " + shellQuoted(classPath) + " "
                    + row.mainClass() + line.strip().substring(name.length());
        };
    }

    /** See {@link #kitCommands}. */
    static String classPath(Path kit, CommandTable.Row row) {
        try {
            Class.forName(row.mainClass(), false, StageCheck.class.getClassLoader());
            return System.getProperty("java.class.path");
        } catch (ClassNotFoundException notHere) {
            Path target = kit.resolve(row.module()).resolve("target");
            try (var jars = Files.list(target)) {
                Path jar = jars.filter(p -> p.getFileName().toString().matches(Pattern.quote(
                        row.module()) + "-.*\\.jar")).findFirst().orElseThrow(() -> new IllegalStateException(
                        "no jar of " + row.module() + " in " + target + ": run ./transfer once to build it"));
                return jar + java.io.File.pathSeparator + Files.readString(target.resolve("runtime.classpath")).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("no build of " + row.module() + " in " + target
                        + ": run ./transfer once to build it", e);
            }
        }
    }

    /**
     * The kit this grader belongs to: the directory the system property {@value #KIT_PROPERTY}
     * names, as {@code ./transfer} (for every command), Maven's surefire (for every test, pom.xml)
     * and the Gradescope script (its grader runs from copied jars) set it; the student release reads
     * the same property. Without it (a grader started some other way), the directory above the
     * grader's classes that holds {@code transfer} and {@code pom.xml}.
     */
    public static Path kitRoot() {
        String given = System.getProperty(KIT_PROPERTY);
        if (given != null && !given.isBlank()) {
            return Path.of(given).toAbsolutePath().normalize();
        }
        try {
            Path at = Path.of(StageCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = at; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("transfer")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                    return dir;
                }
            }
            throw new IllegalStateException("no Transfer Lab checkout (with ./transfer) above " + at
                    + "; grade with --server-cmd/--client-cmd instead");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shellQuoted(String value) {
        return value.matches("[A-Za-z0-9_./:@%+=,-]+") ? value : "'" + value.replace("'", "'\"'\"'") + "'";
    }

    /** Every graded part's report, the parts not graded, and the stage's score line. */
    public static void print(Result result, PrintStream out) {
        for (PartResult part : result.parts()) {
            out.println("== " + result.stage() + ", " + part.part().name() + (part.part().concurrent() ? ""
                    : " (one client at a time: a paused client holds up the next)") + " ==");
            if (part.graded()) {
                TerminalReport.print(part.result(), out);
            } else {
                out.println("  not graded: " + part.notGraded());
            }
        }
        List<String> notGraded = result.parts().stream().filter(part -> !part.graded())
                .map(part -> part.part().name()).toList();
        List<String> failed = result.failed();
        out.printf(Locale.ROOT, "%s: %s/%s points%s%s%n", result.stage(), TerminalReport.number(result.score()),
                TerminalReport.number(result.maxScore()),
                failed.isEmpty() ? "" : "; failed: " + String.join(", ", failed),
                notGraded.isEmpty() ? "" : "; not graded: " + String.join(", ", notGraded));
        out.println(result.passed() ? "Ready to hand in: every graded requirement of " + result.stage() + " passed."
                : "Not ready to hand in yet.");
    }
}
