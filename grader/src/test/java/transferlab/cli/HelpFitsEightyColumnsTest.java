package transferlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import transferlab.grading.stage.CommandTable;

/**
 * Every command of the launcher's table (issue 13, item 7): its --help fits 80 columns, and no
 * footer line (the examples) is so long that picocli wraps it in the middle of a command.
 */
class HelpFitsEightyColumnsTest {
    private static final int COLUMNS = 80;
    private static final Path LAUNCHER = Path.of("..", "transfer").toAbsolutePath().normalize();

    static Stream<String> launcherCommands() {
        Stream.Builder<String> classes = Stream.builder();
        for (CommandTable.Row row : CommandTable.of(LAUNCHER.getParent()).values()) {
            // A module this suite does not depend on checks its own command (release: its
            // StudentReleaseCommandTest), as the student tree, which has no such module, must build.
            if (onClassPath(row.mainClass())) {
                classes.add(row.mainClass());
            }
        }
        return classes.build();
    }

    private static boolean onClassPath(String mainClass) {
        try {
            Class.forName(mainClass, false, HelpFitsEightyColumnsTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    @DisplayName("issue 13 items 6, 7: ./transfer --help fits 80 columns, and a description may contain '|'")
    void launcherHelpFitsEightyColumns() throws Exception {
        Process help = new ProcessBuilder("bash", LAUNCHER.toString(), "--help").redirectErrorStream(true).start();
        List<String> lines = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();

        assertThat(help.waitFor()).isZero();
        assertThat(lines).allSatisfy(text -> assertThat(text.length()).as(text).isLessThanOrEqualTo(COLUMNS));
        assertThat(lines).anySatisfy(text -> assertThat(text).startsWith("  upload-server")
                .endsWith("--mode iterative|pool|event-loop|..."));
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
