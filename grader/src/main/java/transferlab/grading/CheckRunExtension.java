package transferlab.grading;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import transferlab.testkit.SuiteTimeouts;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.CommandServer;
import transferlab.grading.program.ProcessLogs;
import transferlab.grading.program.ServerDidNotStart;

/**
 * The grading run's side of every check class ({@code @ExtendWith(CheckRunExtension.class)}): it
 * reads what {@link SuiteRunner} put into the JUnit configuration parameters and
 * <ul>
 *   <li>passes the {@link CheckTarget} to the class's constructor (a parameter of that type);</li>
 *   <li>installs the timeout factor ({@value SuiteTimeouts#PROPERTY}) while the class runs (a run
 *       with another factor in the same JVM waits: {@link SuiteTimeouts#install});</li>
 *   <li>stops the run when a server did not start ({@link ServerDidNotStart}): every later test is
 *       "not run", which the runner counts as failed, so the verdict comes in seconds; the same when
 *       the first tests fail on a server that listens but never accepts ({@link CommandServer#notAccepting});</li>
 *   <li>stops the run at its time limit ({@value #TIME_LIMIT_ENDS}, {@value #TIME_LIMIT}).</li>
 * </ul>
 * The stop is kept in the run's root {@link ExtensionContext.Store}: one run, one store.
 */
public final class CheckRunExtension implements ParameterResolver, BeforeAllCallback, AfterAllCallback,
        AfterTestExecutionCallback, ExecutionCondition, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {
    /** When the run must stop, as milliseconds since the epoch (absent: no limit). */
    static final String TIME_LIMIT_ENDS = "transferlab.check.timeLimitEndsAtMillis";
    /** The limit as the user gave it, for the message, e.g. "300 s". */
    static final String TIME_LIMIT = "transferlab.check.timeLimit";
    /** How a test the run skipped after a stop is marked; the runner counts it as failed, not N/A. */
    public static final String NOT_RUN = "not run: ";

    private static final ExtensionContext.Namespace RUN = ExtensionContext.Namespace.create(CheckRunExtension.class);
    private static final String STOPPED = "stopped";
    private static final String A_TEST_PASSED = "a test passed";
    /** The class's hold on the installed timeout factor (in the class's store). */
    private static final String FACTOR = "timeout factor";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CheckTarget.class;
    }

    /** A check's constructor gets its test's context, so its target is that test's ({@link CheckTarget#forTest}). */
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        CheckTarget target = CheckTarget.fromConfiguration(context::getConfigurationParameter);
        return context.getTestMethod().isPresent() ? target.forTest(context.getUniqueId()) : target;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getConfigurationParameter(SuiteTimeouts.PROPERTY).map(SuiteTimeouts::parse).ifPresent(factor ->
                context.getStore(RUN).put(FACTOR, SuiteTimeouts.install(factor)));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        SuiteTimeouts.Installed factor = context.getStore(RUN).remove(FACTOR, SuiteTimeouts.Installed.class);
        if (factor != null) {
            factor.close();
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String stopped = context.getRoot().getStore(RUN).get(STOPPED, String.class);
        if (stopped != null) {
            return ConditionEvaluationResult.disabled(NOT_RUN + stopped);
        }
        Optional<Long> ends = context.getConfigurationParameter(TIME_LIMIT_ENDS).map(Long::parseLong);
        if (ends.isPresent() && System.currentTimeMillis() >= ends.get()) {
            return ConditionEvaluationResult.disabled(NOT_RUN + "the run reached its time limit ("
                    + context.getConfigurationParameter(TIME_LIMIT).orElse("?") + "; --time-limit)");
        }
        return ConditionEvaluationResult.enabled("the run goes on");
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        stopIfTheServerCannotServe(context, thrown);
        throw thrown;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        stopIfTheServerCannotServe(context, thrown);
        throw thrown;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        stopIfTheServerCannotServe(context, thrown);
        throw thrown;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isEmpty()) {
            context.getRoot().getStore(RUN).put(A_TEST_PASSED, Boolean.TRUE);
        }
    }

    private static void stopIfTheServerCannotServe(ExtensionContext context, Throwable thrown) {
        if (ServerDidNotStart.in(thrown).isEmpty()) {
            // Only before anything worked: later, one unaccepted connection may be a bug of one test's case.
            if (context.getRoot().getStore(RUN).get(A_TEST_PASSED) == null) {
                Path logs = context.getConfigurationParameter(CheckTarget.LOG_DIRECTORY).map(Path::of).orElse(null);
                CommandServer.notAccepting(logs, ProcessLogs.keyOf(context.getUniqueId())).ifPresent(why ->
                        context.getRoot().getStore(RUN).put(STOPPED, why + " (seen when " + context.getTestMethod()
                                .map(method -> method.getName() + "()").orElse(context.getDisplayName()) + " failed)"));
            }
            return;
        }
        // Short: it is repeated for every test not run; the failure of the test named says why.
        // A student tree's stub says which TODO stopped the program: that one line goes to the top.
        ServerDidNotStart.in(thrown).ifPresent(didNotStart -> context.getRoot().getStore(RUN).put(STOPPED,
                "the server did not start in " + context.getTestMethod().map(method -> method.getName() + "()")
                        .orElse(context.getDisplayName()) + ", whose failure says why"
                        + CommandServer.stoppedAtTodo(String.valueOf(didNotStart.getMessage()))));
    }
}
