package transferlab.grading;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import transferlab.contract.Timeline;
import transferlab.grading.program.GradedOutput;
import transferlab.grading.program.ProcessLogs;

/** Records each test's outcome, the requirement IDs of the method it came from and, on failure, its timeline. */
final class OutcomeCollector implements TestExecutionListener {
    // In run order.
    private final Map<String, TestOutcome> outcomes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    private final Map<String, StringBuilder> captured = new ConcurrentHashMap<>();
    private final Map<String, List<TimelineEvent>> notes = new ConcurrentHashMap<>();
    /** What a test that passed wants said, e.g. that it accepted a padded listing ({@link SuiteRunner#PASS_NOTE}). */
    private final Map<String, String> passNotes = new ConcurrentHashMap<>();
    private final Path logDirectory;
    private final String nameSuffix;
    /** What the outcomes of the whole run (every repetition) hold so far, in characters. */
    private final AtomicLong shown;
    private volatile TestPlan plan;
    private volatile String stopped = "";

    OutcomeCollector(Path logDirectory, String nameSuffix, AtomicLong shown) {
        this.logDirectory = logDirectory;
        this.nameSuffix = nameSuffix;
        this.shown = shown;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        if (test.isTest()) {
            startedAt.put(test.getUniqueId(), System.nanoTime());
        }
    }

    @Override
    public void reportingEntryPublished(TestIdentifier test, ReportEntry entry) {
        long now = System.nanoTime(); // a note is published by the test as it happens: stamp it now
        entry.getKeyValuePairs().forEach((key, value) -> {
            if (key.equals(Timeline.KEY)) {
                Long start = startedAt.get(test.getUniqueId());
                notes.computeIfAbsent(test.getUniqueId(), id -> Collections.synchronizedList(new ArrayList<>()))
                        .add(new TimelineEvent(Duration.ofNanos(start == null ? 0 : now - start), "test", value));
            } else if (key.equals(SuiteRunner.PASS_NOTE)) {
                passNotes.merge(test.getUniqueId(), value, (was, more) -> was + "\n" + more);
            } else if ((key.equals("stdout") || key.equals("stderr")) && !value.isBlank()) {
                captured.computeIfAbsent(test.getUniqueId(), id -> new StringBuilder())
                        .append("the test's ").append(key).append(":\n")
                        .append(GradedOutput.quoted(lastLines(value), 4));
            }
        });
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        // Skipped after a stop: failed, not N/A; the points of what was not shown are not earned.
        boolean notRun = reason != null && reason.startsWith(CheckRunExtension.NOT_RUN);
        if (notRun && stopped.isEmpty()) {
            stopped = reason.substring(CheckRunExtension.NOT_RUN.length());
        }
        for (TestIdentifier each : testsAt(test)) {
            record(each, notRun ? Verdict.FAIL : Verdict.NOT_APPLICABLE, (notRun ? "" : "skipped: ") + reason);
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        Optional<Throwable> thrown = result.getThrowable();
        String message = thrown.map(FailureMessages::of).orElse("");
        switch (result.getStatus()) {
            case SUCCESSFUL -> {
                if (test.isTest()) {
                    String note = passNotes.remove(test.getUniqueId());
                    record(test, Verdict.PASS, note == null ? "" : note);
                }
            }
            case ABORTED -> {
                for (TestIdentifier each : testsAt(test)) {
                    record(each, Verdict.NOT_APPLICABLE, message);
                }
            }
            case FAILED -> {
                for (TestIdentifier each : testsAt(test)) {
                    String why = each.equals(test) ? message
                            : "set-up of " + test.getDisplayName() + " failed: " + message;
                    record(each, Verdict.FAIL, why);
                }
            }
        }
    }

    /** The test itself, or, for a container, its tests that have no outcome yet. */
    private List<TestIdentifier> testsAt(TestIdentifier identifier) {
        if (identifier.isTest()) {
            return List.of(identifier);
        }
        if (plan == null) {
            return List.of();
        }
        return plan.getDescendants(identifier).stream()
                .filter(TestIdentifier::isTest)
                .filter(each -> !outcomes.containsKey(each.getUniqueId()))
                .toList();
    }

    private void record(TestIdentifier test, Verdict verdict, String message) {
        long now = System.nanoTime();
        Long start = startedAt.get(test.getUniqueId());
        Duration duration = start == null ? Duration.ZERO : Duration.ofNanos(now - start);
        StringBuilder printed = captured.remove(test.getUniqueId());
        List<TimelineEvent> timeline = List.of();
        if (verdict == Verdict.FAIL && start != null) {
            List<TimelineEvent> ours = notes.getOrDefault(test.getUniqueId(), List.of());
            List<TimelineEvent> events;
            synchronized (ours) { // a client thread of the test may still be noting
                events = new ArrayList<>(ours);
            }
            events.addAll(ProcessLogs.linesBetween(logDirectory, ProcessLogs.keyOf(test.getUniqueId()), start, now,
                    SuiteRunner.TIMELINE_LINES));
            events.sort(Comparator.comparing(TimelineEvent::at));
            timeline = events.subList(Math.max(0, events.size() - SuiteRunner.TIMELINE_LINES), events.size());
            message = HeaderMisreadHint.addedTo(message, timeline);
        }
        notes.remove(test.getUniqueId());
        TestOutcome outcome = new TestOutcome(nameOf(test) + nameSuffix, List.copyOf(requirementsOf(test)),
                verdict, message, printed == null ? "" : printed.toString(), duration, timeline);
        long size = outcome.message().length() + outcome.output().length() + outcome.timelineText().length();
        if (shown.addAndGet(size) > GradedOutput.MAX_RUN_BYTES) {
            // The run's reports keep a few MiB of what was printed: past that, the verdict and its first line.
            String first = GradedOutput.capped(outcome.message().lines().findFirst().orElse(""), 1024);
            outcome = new TestOutcome(outcome.name(), outcome.requirements(), verdict, first + "\n"
                    + GradedOutput.cutNote(size) + " (a run's reports keep at most "
                    + (GradedOutput.MAX_RUN_BYTES >> 20) + " MiB of what the tests and programs printed)",
                    "", duration, List.of());
        }
        outcomes.putIfAbsent(test.getUniqueId(), outcome);
    }

    private Set<String> requirementsOf(TestIdentifier test) {
        // Dynamic tests and parameterized invocations: the IDs are on the method they came from.
        for (Optional<TestIdentifier> at = Optional.of(test); at.isPresent(); at = plan.getParent(at.get())) {
            Set<String> ids = RequirementIds.of(at.get().getSource());
            if (!ids.isEmpty()) {
                return ids;
            }
        }
        return Set.of();
    }

    private String nameOf(TestIdentifier test) {
        String name = test.getDisplayName();
        Optional<TestIdentifier> parent = plan.getParent(test);
        if (parent.isPresent() && parent.get().getSource().filter(MethodSource.class::isInstance).isPresent()) {
            name = parent.get().getDisplayName() + " " + name; // a parameterized test's invocation
        }
        return name;
    }

    List<TestOutcome> outcomes() {
        synchronized (outcomes) {
            return List.copyOf(outcomes.values());
        }
    }

    /** Why the run stopped early, or empty. */
    String stopped() {
        return stopped;
    }

    private static String lastLines(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - ProcessLogs.TAIL_LINES), lines.size()));
    }

}
