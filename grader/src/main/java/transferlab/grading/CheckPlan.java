package transferlab.grading;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import transferlab.contract.upload.StoredNames;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.Network;
import transferlab.grading.program.Ports;
import transferlab.grading.program.Sandbox;

/**
 * One grading run: which protocol, against what, which requirements count.
 *
 * @param protocol      upload, ft, update or ranged
 * @param target        the server or client graded
 * @param extensions    grade extension requirements too (core only by default)
 * @param timeoutFactor scales every timeout of the suite (1 = as written)
 * @param points        core/extension, points and visibility per requirement
 * @param only          if not empty, grade only these requirement IDs (extensions included when named)
 * @param iterative     the server is meant to serve one client at a time (stage 1), not many at once
 * @param tests         run only the contract tests whose method name matches this (null: all)
 * @param repeat        run the chosen tests this many times and report requirements whose verdict changed
 * @param timeLimit     stop the whole run (all repeats) after this long; null: {@link #DEFAULT_TIME_LIMIT}
 *                      times the timeout factor
 * @param network       what lies between the suite and the server: nothing, or a lossy proxy
 * @param storedNames   U: the names, besides the sent one, a server may store an upload under
 *                      ({@code --stored-name}, patterns with {@code {name}}); empty: seed 004's
 * @param sandbox       the box the graded programs run in ({@code --sandbox}, auto by default)
 * @param ports         fixed ports and a port range ({@code --server-port}, {@code --client-port},
 *                      {@code --port-range})
 * @param fileNames     ft pairs: the names of the served files ({@code --file-names}), or one directory
 *                      of sample files; empty: the kit's
 * @param testsAtOnce   how many contract tests run at once ({@code --tests-at-once}), each with its own
 *                      server, port and directory; 1: one after another
 */
public record CheckPlan(Protocol protocol, TargetSpec target, boolean extensions, double timeoutFactor,
                        PointsTable points, Set<String> only, boolean iterative, Pattern tests, int repeat,
                        Duration timeLimit, Network network, List<String> storedNames, Sandbox.Policy sandbox,
                        Ports ports, List<String> fileNames, int testsAtOnce) {
    /** Enough for every protocol's full suite against a working server, with room for a slow one. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofMinutes(5);

    public CheckPlan {
        if (!(timeoutFactor > 0) || Double.isInfinite(timeoutFactor)) {
            throw new IllegalArgumentException("the timeout factor must be a positive number, was " + timeoutFactor);
        }
        if (testsAtOnce < 1) {
            throw new IllegalArgumentException("tests at once must be 1 or more, was " + testsAtOnce);
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1, was " + repeat);
        }
        if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
            throw new IllegalArgumentException("the time limit must be positive, was " + timeLimit);
        }
        only = Set.copyOf(only);
        storedNames.forEach(StoredNames::check);
        storedNames = List.copyOf(storedNames);
        sandbox = sandbox == null ? Sandbox.Policy.DEFAULT : sandbox;
        fileNames = List.copyOf(fileNames);
    }

    /** A plan boxed as {@code sandbox} says, with the kit's ports and file names. */
    public CheckPlan(Protocol protocol, TargetSpec target, boolean extensions, double timeoutFactor,
                     PointsTable points, Set<String> only, boolean iterative, Pattern tests, int repeat,
                     Duration timeLimit, Network network, List<String> storedNames, Sandbox.Policy sandbox) {
        this(protocol, target, extensions, timeoutFactor, points, only, iterative, tests, repeat, timeLimit, network,
                storedNames, sandbox, Ports.ANY, List.of(), 1);
    }

    /** A plan whose programs run in the default box ({@code --sandbox auto}). */
    public CheckPlan(Protocol protocol, TargetSpec target, boolean extensions, double timeoutFactor,
                     PointsTable points, Set<String> only, boolean iterative, Pattern tests, int repeat,
                     Duration timeLimit, Network network, List<String> storedNames) {
        this(protocol, target, extensions, timeoutFactor, points, only, iterative, tests, repeat, timeLimit, network,
                storedNames, Sandbox.Policy.DEFAULT);
    }

    /** A plan run once, with the default time limit, straight to the server. */
    public CheckPlan(Protocol protocol, TargetSpec target, boolean extensions, double timeoutFactor,
                     PointsTable points, Set<String> only, boolean iterative, Pattern tests) {
        this(protocol, target, extensions, timeoutFactor, points, only, iterative, tests, 1, null, Network.DIRECT,
                List.of());
    }

    /** A plan for a concurrent server (the usual case). */
    public CheckPlan(Protocol protocol, TargetSpec target, boolean extensions, double timeoutFactor,
                     PointsTable points, Set<String> only) {
        this(protocol, target, extensions, timeoutFactor, points, only, false, null);
    }

    /** The same plan, running only the contract tests whose method name matches {@code regex}. */
    public CheckPlan withTests(String regex) {
        return new CheckPlan(protocol, target, extensions, timeoutFactor, points, only, iterative,
                Pattern.compile(regex), repeat, timeLimit, network, storedNames, sandbox, ports, fileNames,
                testsAtOnce);
    }

    /** The same plan with another timeout factor. */
    public CheckPlan withTimeoutFactor(double factor) {
        return new CheckPlan(protocol, target, extensions, factor, points, only, iterative, tests, repeat, timeLimit,
                network, storedNames, sandbox, ports, fileNames, testsAtOnce);
    }

    /** The same plan, run {@code times} times ({@code --repeat}). */
    public CheckPlan withRepeat(int times) {
        return new CheckPlan(protocol, target, extensions, timeoutFactor, points, only, iterative, tests, times,
                timeLimit, network, storedNames, sandbox, ports, fileNames, testsAtOnce);
    }

    /** The same plan with another whole-run time limit ({@code --time-limit}). */
    public CheckPlan withTimeLimit(Duration limit) {
        return new CheckPlan(protocol, target, extensions, timeoutFactor, points, only, iterative, tests, repeat,
                limit, network, storedNames, sandbox, ports, fileNames, testsAtOnce);
    }

    /** The same plan over another network ({@code --network}). */
    public CheckPlan withNetwork(Network kind) {
        return new CheckPlan(protocol, target, extensions, timeoutFactor, points, only, iterative, tests, repeat,
                timeLimit, kind, storedNames, sandbox, ports, fileNames, testsAtOnce);
    }

    /** The same plan, accepting uploads stored under these patterns (and the sent name) instead of seed 004's. */
    public CheckPlan withStoredNames(List<String> patterns) {
        return new CheckPlan(protocol, target, extensions, timeoutFactor, points, only, iterative, tests, repeat,
                timeLimit, network, patterns, sandbox, ports, fileNames, testsAtOnce);
    }

    /** The same plan, its programs boxed as {@code policy} says ({@code --sandbox}). */
    public CheckPlan withSandbox(Sandbox.Policy policy) {
        return new CheckPlan(protocol, target, extensions, timeoutFactor, points, only, iterative, tests, repeat,
                timeLimit, network, storedNames, policy, ports, fileNames, testsAtOnce);
    }

    /** The same plan with fixed ports or a port range. */
    public CheckPlan withPorts(Ports given) {
        return new CheckPlan(protocol, target, extensions, timeoutFactor, points, only, iterative, tests, repeat,
                timeLimit, network, storedNames, sandbox, given, fileNames, testsAtOnce);
    }

    /** The same plan serving ft pair files under these names (or from this one directory). */
    public CheckPlan withFileNames(List<String> names) {
        return new CheckPlan(protocol, target, extensions, timeoutFactor, points, only, iterative, tests, repeat,
                timeLimit, network, storedNames, sandbox, ports, names, testsAtOnce);
    }

    /** The same plan, running {@code count} contract tests at once ({@code --tests-at-once}). */
    public CheckPlan withTestsAtOnce(int count) {
        return new CheckPlan(protocol, target, extensions, timeoutFactor, points, only, iterative, tests, repeat,
                timeLimit, network, storedNames, sandbox, ports, fileNames, count);
    }

    /**
     * How many tests run at once: {@link #testsAtOnce}, but one with a fixed port ({@code --server-port},
     * {@code --client-port}: two tests cannot both listen on it) or against a running server
     * ({@code --target}: the tests would meet in one server, a paused client of one holding up another).
     */
    public int effectiveTestsAtOnce() {
        boolean shared = ports.server() > 0 || ports.client() > 0
                || target.kind() == CheckTarget.Kind.RUNNING_SERVER;
        return shared ? 1 : testsAtOnce;
    }

    /** The time limit in force: the one given, or the default scaled by the timeout factor. */
    public Duration effectiveTimeLimit() {
        return timeLimit != null ? timeLimit
                : Duration.ofMillis(Math.round(DEFAULT_TIME_LIMIT.toMillis() * Math.max(1, timeoutFactor)));
    }

    /** What to grade, before the runner gives it a log directory. */
    public record TargetSpec(CheckTarget.Kind kind, String commandOrAddress, String pairClientCommand) {
        public TargetSpec(CheckTarget.Kind kind, String commandOrAddress) {
            this(kind, commandOrAddress, null);
        }

        /** {@code --pair}: the student's server command and client command, graded together. */
        public static TargetSpec pair(String serverCommand, String clientCommand) {
            return new TargetSpec(CheckTarget.Kind.PAIR, serverCommand, clientCommand);
        }

        public static TargetSpec serverCommand(String command) {
            return new TargetSpec(CheckTarget.Kind.SERVER_COMMAND, command);
        }

        public static TargetSpec clientCommand(String command) {
            return new TargetSpec(CheckTarget.Kind.CLIENT_COMMAND, command);
        }

        public static TargetSpec runningServer(String hostPort) {
            return new TargetSpec(CheckTarget.Kind.RUNNING_SERVER, hostPort);
        }
    }

    /**
     * Does a test citing these requirements run? With {@code --only}: when it cites one of them.
     * With {@code --extensions}: always. Core-only: when every ID it cites is core, because a test
     * that also checks an extension cannot judge a server that implements only the seed protocol.
     */
    boolean runs(Set<String> cited) {
        if (!only.isEmpty() || extensions) {
            return cited.stream().anyMatch(this::grades);
        }
        return cited.stream().allMatch(this::grades);
    }

    /** Is this requirement graded in this run? */
    boolean grades(String requirement) {
        if (!only.isEmpty()) {
            return only.contains(requirement);
        }
        return points.rule(requirement)
                .map(rule -> rule.scope() == PointsTable.Scope.CORE || extensions)
                .orElse(true); // cited but not in the points file: graded, worth 0, with a warning
    }
}
