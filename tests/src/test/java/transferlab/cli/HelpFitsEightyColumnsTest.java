package transferlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command of the launcher's table (issue 13, item 7): its --help fits 80 columns, and no
 * footer line (the examples) is so long that picocli wraps it in the middle of a command.
 */
class HelpFitsEightyColumnsTest {
    private static final int COLUMNS = 80;
    private static final Pattern ROW = Pattern.compile("^command_row (\\S+) (\\S+) (\\S+)", Pattern.MULTILINE);

    static Stream<String> launcherCommands() throws IOException {
        String launcher = Files.readString(Path.of("..", "transfer"));
        Matcher row = ROW.matcher(launcher);
        Stream.Builder<String> classes = Stream.builder();
        while (row.find()) {
            classes.add(row.group(3));
        }
        return classes.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("launcherCommands")
    void helpFitsEightyColumns(String mainClass) throws ReflectiveOperationException {
        Object command = Class.forName(mainClass).getDeclaredConstructor().newInstance();
        CommandLine line = new CommandLine(command);
        line.setUsageHelpWidth(COLUMNS);

        List<String> help = line.getUsageMessage(CommandLine.Help.Ansi.OFF).lines().toList();
        String[] footer = line.getCommandSpec().usageMessage().footer();

        assertThat(help).isNotEmpty().allSatisfy(text -> assertThat(text.length()).as(text)
                .isLessThanOrEqualTo(COLUMNS));
        assertThat(footer).allSatisfy(text -> assertThat(text.length()).as(text).isLessThanOrEqualTo(COLUMNS));
    }
}
