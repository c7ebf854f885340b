package transferlab.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The release command's help fits 80 columns, as every launcher command's does (issue 13, item 7),
 * and says its whole description: the command list shows only a description's first line (issue 19).
 */
class StudentReleaseCommandTest {
    @Test
    void helpAndExamplesFitEightyColumns() {
        CommandLine line = new CommandLine(new StudentReleaseCommand());
        line.setUsageHelpWidth(80);
        for (CommandLine command : List.of(line, line.getSubcommands().get("student"))) {
            List<String> help = command.getUsageMessage(CommandLine.Help.Ansi.OFF).lines().toList();
            assertThat(help).isNotEmpty().allSatisfy(text -> assertThat(text.length()).as(text)
                    .isLessThanOrEqualTo(80));
        }
    }

    @Test
    void theCommandListGivesTheStudentCommandsWholeDescription() {
        CommandLine line = new CommandLine(new StudentReleaseCommand());
        line.setUsageHelpWidth(80);
        String help = line.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
        assertThat(help).contains("every solution region replaced by its TODO, left-out files gone, README and"
                + " .ci/run for students; then git init and one commit.");
    }
}
