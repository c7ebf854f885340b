package transferlab.release;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Writes the student tree: the kit with every solution region replaced by its TODO and stub, the
 * files that answer an exercise left out, as a fresh git repository ready to be a course's
 * template repository.
 *
 * <pre>
 *   $ ./transfer release student /tmp/kit
 *   wrote the student tree to /tmp/kit: 321 files, 14 TODOs (git repository, one commit)
 *   $ cd /tmp/kit &amp;&amp; mvn -q verify     # fails exactly on the TODOs' tests: see its README
 * </pre>
 */
@Command(name = "release", mixinStandardHelpOptions = true,
        description = "Write a release of the kit; 'student' writes the student tree.",
        subcommands = StudentReleaseCommand.Student.class,
        footer = {"", "Example:", "  ./transfer release student ../kit"})
public final class StudentReleaseCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return 2;
    }

    @Command(name = "student", mixinStandardHelpOptions = true,
            // One string: picocli wraps it, and the parent's command list shows its first line only.
            description = "Write the student tree into OUT (a new or empty directory): every solution region "
                    + "replaced by its TODO, left-out files gone, README and .ci/run for students; then git init "
                    + "and one commit.",
            footer = {"", "Example:", "  ./transfer release student ../kit && cd ../kit && mvn -q verify"})
    static final class Student implements Callable<Integer> {
        @Parameters(paramLabel = "OUT", description = "where to write the tree (must not exist, or be empty)")
        Path out;

        @picocli.CommandLine.Option(names = "--without-ft", description = "for a course that leaves list/get "
                + "(protocol F) out: its TODOs (stage1.5, stage1.6) ship done, and check stage1 grades the upload "
                + "server only. By default list/get is part of stage 1: check stage1 grades it too.")
        boolean withoutFt;

        @Override
        public Integer call() throws Exception {
            StudentTree tree = new StudentTree(StudentTree.kitRoot(), !withoutFt);
            Map<String, byte[]> files = tree.write(out);
            System.out.println("wrote the student tree to " + out + ": " + files.size() + " files, "
                    + tree.shippedTodos().size() + " TODOs" + (withoutFt ? " (list/get done)" : "")
                    + " (git repository, one commit)");
            return 0;
        }
    }

    public static void main(String[] args) {
        CommandLine line = new CommandLine(new StudentReleaseCommand());
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("release: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        System.exit(line.execute(args));
    }
}
