package transferlab.grading;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import transferlab.testkit.SuiteTimeouts;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.CommandServer;
import transferlab.grading.program.RunMarker;
import transferlab.grading.program.TargetAddress;
import transferlab.grading.program.Ports;

/**
 * Runs a protocol's contract against a target with the JUnit Platform Launcher and turns the test
 * results into a verdict per requirement. Both {@code ./transfer check} and the Maven entry
 * ({@code CheckFromMavenTest}) call {@link #run(CheckPlan)}: one code path.
 *
 * <p>Which tests run: each test cites requirement IDs with {@code @Requirement}. A test runs when
 * every ID it cites is graded (core-only, the default), or one is (with {@code --extensions} or
 * {@code --only}); a test citing none is not run and is listed as a gap.
 *
 * <p>How the tests citing a requirement become its verdict (a core requirement is judged by its
 * core-only tests where it has any, so that a seed server is not failed for an extension's sake):
 * <pre>
 *   tests citing the requirement, in this run                 verdict  points
 *   -------------------------------------------------------   -------  ------------------------
 *   one failed (a failed class set-up fails every test in it)  FAIL     0 of its points
 *   one was not run because the run stopped (the server did    FAIL     0 of its points
 *     not start; the time limit)
 *   otherwise: one passed (others may be N/A)                  PASS     all of its points
 *   none passed: all were aborted by an assumption             N/A      0; still in the maximum
 *   no test of this check covers it (the other side's)         N/A      0; not in the maximum
 *     (a client's check leaves the server's out of its report)
 * </pre>
 * The maximum of a run is the sum of the points of every graded requirement: it depends on the
 * plan (protocol, {@code --extensions}, {@code --only}, the points file), never on the server.
 * With {@code --repeat N} the outcomes of all N runs count together (one failure fails), and a
 * requirement that failed in some runs and passed in others is reported as flaky.
 *
 * <p>What the check classes need (the target, the timeout factor, the time limit) reaches them as
 * JUnit configuration parameters, read by {@link CheckRunExtension}; no JVM-wide properties.
 */
public final class SuiteRunner {
    /** A test that hangs is failed after this long (scaled), so one stuck student server cannot stall grading. */
    static final Duration TEST_TIMEOUT = Duration.ofSeconds(60);
    /**
     * The report entry key of a note a check publishes for a test that passes all the same (a listing
     * accepted with trailing NULs): the report prints it under the PASS line.
     */
    public static final String PASS_NOTE = "transferlab.passNote";

    /** Lines of a failed test's timeline: its last notes and server lines. */
    static final int TIMELINE_LINES = 40;

    private SuiteRunner() {
    }

    public static CheckResult run(CheckPlan plan) {
        return run(plan, checkClasses(plan));
    }

    /** Runs the given check classes (the runner's own tests use this with sample checks). */
    static CheckResult run(CheckPlan plan, List<Class<?>> checkClasses) {
        long started = System.nanoTime();
        long timeLimitEnds = System.currentTimeMillis() + plan.effectiveTimeLimit().toMillis();
        Path logDirectory = createLogDirectory();
        CheckTarget target = target(plan.target(), logDirectory);
        if (plan.iterative()) {
            target = target.iterative();
        }
        target = target.over(plan.network()).storingUnder(plan.storedNames()).boxedBy(plan.sandbox().resolve())
                .withPorts(plan.ports()).withFileNames(plan.fileNames());
        List<String> unmapped = new ArrayList<>();
        Set<String> skippedWithExtensions = new TreeSet<>();
        Set<String> checked = new TreeSet<>();
        Set<String> cited = ConcurrentHashMap.newKeySet();
        List<List<TestOutcome>> runs = new ArrayList<>();
        String stopped = "";
        String leftRunning = "";
        java.util.concurrent.atomic.AtomicLong shown = new java.util.concurrent.atomic.AtomicLong();
        try {
            for (int run = 1; run <= plan.repeat() && stopped.isEmpty(); run++) {
                OutcomeCollector collector = new OutcomeCollector(logDirectory,
                        plan.repeat() > 1 ? " [run " + run + "]" : "", shown);
                unmapped.clear();
                LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                        .selectors(checkClasses.stream().map(type -> selectClass(type)).toList())
                        .filters(requirementFilter(plan, unmapped, skippedWithExtensions, checked, cited))
                        .configurationParameters(target.configuration())
                        .configurationParameter(SuiteTimeouts.PROPERTY, Double.toString(plan.timeoutFactor()))
                        .configurationParameter(CheckRunExtension.TIME_LIMIT_ENDS, Long.toString(timeLimitEnds))
                        .configurationParameter(CheckRunExtension.TIME_LIMIT,
                                plan.effectiveTimeLimit().toSeconds() + " s")
                        .configurationParameter("junit.jupiter.execution.timeout.default",
                                Math.max(1, Math.round(TEST_TIMEOUT.toSeconds() * plan.timeoutFactor())) + " s")
                        // A test stuck in a blocking read is abandoned, not waited for, when it times out.
                        .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default",
                                "SEPARATE_THREAD")
                        .configurationParameter("junit.platform.output.capture.stdout", "true")
                        .configurationParameter("junit.platform.output.capture.stderr", "true")
                        .configurationParameter("junit.jupiter.execution.parallel.enabled",
                                Boolean.toString(plan.effectiveTestsAtOnce() > 1))
                        .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                        .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default",
                                "concurrent")
                        .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                        .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism",
                                Integer.toString(plan.effectiveTestsAtOnce()))
                        .configurationParameter("junit.jupiter.execution.parallel.config.fixed.max-pool-size",
                                Integer.toString(plan.effectiveTestsAtOnce()))
                        .build();
                Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                        .enableTestExecutionListenerAutoRegistration(false)
                        .build());
                launcher.execute(request, collector);
                runs.add(collector.outcomes());
                stopped = collector.stopped();
            }
        } finally {
            CommandServer.closeAll(logDirectory);
            int leftBehind = RunMarker.killLeftBehind(logDirectory);
            if (leftBehind > 0) {
                leftRunning = leftBehind + " process(es) the graded program started were still running at the end "
                        + "of the run (a daemon?): killed";
            }
            deleteQuietly(logDirectory);
        }
        List<String> warnings = new ArrayList<>(CommandServer.portsHeld(logDirectory));
        if (!leftRunning.isEmpty()) {
            warnings.add(leftRunning);
        }
        Duration portWaits = Ports.waitedFor(logDirectory);
        if (!portWaits.isZero()) {
            warnings.add(String.format(Locale.ROOT, "--server-port %d: %.1f s of this run went on waiting for the "
                    + "port to be free again before a start (the last server's exit; a connection in TIME_WAIT, "
                    + "which SO_REUSEADDR in the server would not wait for)", plan.ports().server(),
                    portWaits.toMillis() / 1e3));
        }
        if (plan.target().kind() == CheckTarget.Kind.RUNNING_SERVER) {
            warnings.add("--target: the suite cannot see the server's directory; a contract test that checks stored "
                    + "files without SuiteScope.assumeDirectoryVisible fails instead of being N/A "
                    + "(prefer --server-cmd)");
        }
        skippedWithExtensions.removeAll(checked);
        for (String id : skippedWithExtensions) {
            warnings.add(id + ": every test citing it also checks an extension requirement, so none ran in this "
                    + "core-only grading (the contract needs a test that checks " + id + " alone)");
        }
        List<TestOutcome> all = runs.stream().flatMap(List::stream).toList();
        List<RequirementVerdict> verdicts = verdicts(plan, all, skippedWithExtensions, warnings);
        if (!unmapped.isEmpty()) {
            warnings.add(unmapped.size() + " test(s) cite no @Requirement and were not run: "
                    + String.join(", ", unmapped));
        }
        return new CheckResult(plan.protocol(), target.describe(), plan.extensions(), verdicts,
                extensionsNotGraded(plan, cited), unmapped, warnings, Duration.ofNanos(System.nanoTime() - started),
                runs.size(), flaky(plan, runs), stopped, target.sandbox().description());
    }

    /** Requirement ID to the number of runs it failed in, for those that also passed in some run. */
    private static Map<String, Integer> flaky(CheckPlan plan, List<List<TestOutcome>> runs) {
        if (runs.size() < 2) {
            return Map.of();
        }
        Map<String, Integer> failed = new TreeMap<>();
        Map<String, Integer> passed = new TreeMap<>();
        for (List<TestOutcome> run : runs) {
            for (RequirementVerdict verdict : verdicts(plan, run, Set.of(), new ArrayList<>())) {
                if (verdict.verdict() == Verdict.FAIL) {
                    failed.merge(verdict.requirement(), 1, Integer::sum);
                } else if (verdict.verdict() == Verdict.PASS) {
                    passed.merge(verdict.requirement(), 1, Integer::sum);
                }
            }
        }
        failed.keySet().retainAll(passed.keySet());
        return failed;
    }

    /** Pair requirements (P-F1, ...) are graded only with --pair, and only they. */
    private static boolean ofThisKindOfRun(CheckPlan plan, String requirement) {
        return requirement.startsWith(Protocol.PAIR_PREFIX) == (plan.target().kind() == CheckTarget.Kind.PAIR);
    }

    /** Extension requirements some test of this check cites, left out of this run: what --extensions would add. */
    private static int extensionsNotGraded(CheckPlan plan, Set<String> cited) {
        if (!plan.only().isEmpty()) {
            return 0;
        }
        return (int) plan.points().rules().stream()
                .filter(rule -> plan.protocol().owns(rule.requirement()) && !plan.grades(rule.requirement()))
                .filter(rule -> ofThisKindOfRun(plan, rule.requirement()) && cited.contains(rule.requirement()))
                .filter(rule -> rule.scope() == PointsTable.Scope.EXTENSION)
                .count();
    }

    private static List<Class<?>> checkClasses(CheckPlan plan) {
        List<Class<?>> classes = plan.protocol().checkClasses(plan.target().kind());
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("protocol " + plan.protocol().commandName() + " has no check for a "
                    + switch (plan.target().kind()) {
                        case CLIENT_COMMAND -> "client (--client-cmd)";
                        case PAIR -> "server and client pair (--pair)";
                        default -> "server";
                    }
                    + " yet");
        }
        return classes;
    }

    private static CheckTarget target(CheckPlan.TargetSpec spec, Path logDirectory) {
        return switch (spec.kind()) {
            case RUNNING_SERVER -> CheckTarget.runningServer(TargetAddress.parse(spec.commandOrAddress()));
            case SERVER_COMMAND -> CheckTarget.serverCommand(spec.commandOrAddress(), logDirectory);
            case CLIENT_COMMAND -> CheckTarget.clientCommand(spec.commandOrAddress(), logDirectory);
            case PAIR -> CheckTarget.pair(spec.commandOrAddress(), spec.pairClientCommand(), logDirectory);
        };
    }

    /** Keeps only tests that cite a requirement graded in this run; notes those citing none. */
    private static PostDiscoveryFilter requirementFilter(CheckPlan plan, List<String> unmapped,
                                                         Set<String> coreOnlyWithExtensions, Set<String> coreChecked,
                                                         Set<String> cited) {
        return descriptor -> {
            Optional<TestSource> source = descriptor.getSource();
            if (source.isEmpty() || !(source.get() instanceof MethodSource method)) {
                return FilterResult.included("a container");
            }
            cited.addAll(RequirementIds.of(source)); // what this check could grade, run or not
            if (plan.tests() != null && !plan.tests().matcher(method.getMethodName()).matches()) {
                return FilterResult.excluded("not among --tests " + plan.tests());
            }
            Set<String> ids = RequirementIds.of(source);
            if (ids.isEmpty()) {
                unmapped.add(method.getClassName() + "." + method.getMethodName());
                return FilterResult.excluded("cites no @Requirement");
            }
            if (!plan.runs(ids)) {
                ids.stream().filter(plan::grades).forEach(id -> coreOnlyWithExtensions.add(id));
                return FilterResult.excluded("also checks a requirement not graded in this run");
            }
            ids.forEach(coreChecked::add);
            return FilterResult.included("cites graded requirements only");
        };
    }

    /** The verdict on every graded requirement (the table above); warns of each one not in the points file. */
    static List<RequirementVerdict> verdicts(CheckPlan plan, List<TestOutcome> outcomes,
                                             Set<String> judgedOnlyWithExtensions, List<String> warnings) {
        // A core requirement is judged by the tests that check core requirements only, where it has
        // any: a test that also checks an extension (say, the "ok" line) may fail for the extension's
        // sake, and then it counts against the extension, not against what the seed demands. Only a
        // core requirement with no such test falls back to the mixed ones.
        Map<String, List<TestOutcome>> byRequirement = new LinkedHashMap<>();
        Map<String, List<TestOutcome>> mixedForCore = new LinkedHashMap<>();
        for (TestOutcome outcome : outcomes) {
            boolean coreOnly = outcome.requirements().stream().allMatch(id -> isCore(plan, id));
            for (String id : outcome.requirements()) {
                if (!plan.grades(id)) {
                    continue;
                }
                Map<String, List<TestOutcome>> judges = isCore(plan, id) && !coreOnly ? mixedForCore : byRequirement;
                judges.computeIfAbsent(id, key -> new ArrayList<>()).add(outcome);
            }
        }
        mixedForCore.forEach(byRequirement::putIfAbsent);
        List<RequirementVerdict> verdicts = new ArrayList<>();
        for (PointsTable.Rule rule : plan.points().rules()) {
            if (!plan.protocol().owns(rule.requirement()) || !plan.grades(rule.requirement())
                    || !ofThisKindOfRun(plan, rule.requirement())) {
                continue;
            }
            List<TestOutcome> tests = byRequirement.remove(rule.requirement());
            String note = "";
            if (tests == null) {
                if (judgedOnlyWithExtensions.contains(rule.requirement())) {
                    note = "not judged: every test of it also checks an extension (grade with --extensions)";
                } else if (plan.target().kind() == CheckTarget.Kind.CLIENT_COMMAND) {
                    continue; // the server's requirement: a client's report does not list it (nor count it)
                } // else: a requirement of the other side (a client's, when a server is graded), or untested: N/A
                tests = List.of();
            }
            verdicts.add(new RequirementVerdict(rule, verdictOf(tests), tests, note));
        }
        for (Map.Entry<String, List<TestOutcome>> left : byRequirement.entrySet()) {
            warnings.add(left.getKey() + " is cited by a test but not in the points file " + plan.points().source()
                    + ": graded as core, worth 0 points");
            PointsTable.Rule rule = new PointsTable.Rule(left.getKey(), PointsTable.Scope.CORE, 0, "visible",
                    "(not in the points file)");
            verdicts.add(new RequirementVerdict(rule, verdictOf(left.getValue()), left.getValue(), ""));
        }
        // Every report lists them in number order (U4 before U5), whatever order the points file has.
        verdicts.sort(Comparator.comparing(RequirementVerdict::requirement, SuiteRunner::byNumber));
        return verdicts;
    }

    /** U4 before U5 before U10: by letters, then by number. */
    static int byNumber(String a, String b) {
        String lettersA = a.replaceAll("\\d+$", "");
        String lettersB = b.replaceAll("\\d+$", "");
        if (!lettersA.equals(lettersB) || lettersA.length() == a.length() || lettersB.length() == b.length()) {
            return lettersA.equals(lettersB) ? a.compareTo(b) : lettersA.compareTo(lettersB);
        }
        return Integer.compare(Integer.parseInt(a.substring(lettersA.length())),
                Integer.parseInt(b.substring(lettersB.length())));
    }

    private static boolean isCore(CheckPlan plan, String requirement) {
        return plan.points().rule(requirement).map(rule -> rule.scope() == PointsTable.Scope.CORE).orElse(true);
    }

    private static Verdict verdictOf(List<TestOutcome> tests) {
        if (tests.stream().anyMatch(test -> test.verdict() == Verdict.FAIL)) {
            return Verdict.FAIL;
        }
        return tests.stream().anyMatch(test -> test.verdict() == Verdict.PASS) ? Verdict.PASS : Verdict.NOT_APPLICABLE;
    }


    private static Path createLogDirectory() {
        try {
            return Files.createTempDirectory("transfer-check-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println(String.format(Locale.ROOT, "check: could not remove %s: %s", directory, e.getMessage()));
        }
    }
}
