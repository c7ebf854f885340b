package transferlab.grading;

import picocli.CommandLine;
import transferlab.testkit.PrintableText;

/**
 * Runs {@code ./transfer check} with the exit codes every Transfer Lab program keeps: 0 when
 * everything graded passed, 1 when something failed, 2 on a usage error; a failure is one line on
 * standard error (set {@code TRANSFERLAB_DEBUG=1} for the stack trace). The grader's own runner,
 * so that it needs no stage's code (in a student tree the stages are exercises).
 */
public final class CheckCommandLine {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private CheckCommandLine() {
    }

    public static int run(Object command, String... args) {
        CommandLine line = new CommandLine(command); // picocli already exits 2 on a usage error
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (System.getenv("TRANSFERLAB_DEBUG") != null) {
                e.printStackTrace();
            }
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            commandLine.getErr().println(commandLine.getCommandName() + ": " + PrintableText.of(message));
            return FAILED;
        });
        line.setParameterExceptionHandler((e, args1) -> {
            CommandLine bad = e.getCommandLine();
            bad.getErr().println(bad.getCommandName() + ": " + e.getMessage());
            bad.getErr().println("(see ./transfer " + bad.getCommandName() + " --help)");
            return USAGE;
        });
        return line.execute(args);
    }
}
