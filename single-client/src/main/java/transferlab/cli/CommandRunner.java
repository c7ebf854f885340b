package transferlab.cli;

import picocli.CommandLine;
import transferlab.storage.PlainFileName;

/**
 * Runs a picocli command with the exit codes every Transfer Lab program keeps: 0 on success, 1 when
 * the transfer failed, 2 on a usage error; a failure is one clear line on standard error, not a
 * stack trace (set {@code TRANSFERLAB_DEBUG=1} to see the trace). A failure's message often quotes
 * what a server sent, so its control characters are escaped ({@link PlainFileName#printable}) before
 * it reaches the terminal.
 */
public final class CommandRunner {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private CommandRunner() {
    }

    public static int run(Object command, String... args) {
        CommandLine line = new CommandLine(command); // picocli already exits 2 on a usage error
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (System.getenv("TRANSFERLAB_DEBUG") != null) {
                e.printStackTrace();
            }
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            commandLine.getErr().println(commandLine.getCommandName() + ": " + PlainFileName.printable(message));
            return FAILED;
        });
        line.setParameterExceptionHandler((e, args1) -> {
            // One clear line and a pointer to the help, rather than the whole usage text.
            CommandLine bad = e.getCommandLine();
            bad.getErr().println(bad.getCommandName() + ": " + e.getMessage());
            bad.getErr().println("(see ./transfer " + bad.getCommandName() + " --help)");
            return USAGE;
        });
        return line.execute(args);
    }
}
