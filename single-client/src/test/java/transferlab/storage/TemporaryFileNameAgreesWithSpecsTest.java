package transferlab.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11 item 11: the specs name the temporary file as the code makes it. {@link IncomingFile}
 * names it {@code .<uuid>.part} (never the target's own name, which may already be 255 bytes), and
 * ft.md F23, upload.md U10 and update.md D7 say so.
 */
class TemporaryFileNameAgreesWithSpecsTest {
    /** In a spec, a temporary file name in backquotes: a dot, anything, {@code .part}. */
    private static final Pattern SPEC_NAME = Pattern.compile("`(\\.[^`]*\\.part)`");
    private static final Path PROTOCOLS = Path.of("..", "resources", "protocols");

    @TempDir
    Path dir;

    @Test
    void theCodeNamesItADotARandomUuidAndPart() throws IOException {
        try (IncomingFile file = IncomingFile.create(dir.resolve("x".repeat(255)))) {
            String name = file.temporaryPath().getFileName().toString();
            assertThat(name).matches("\\.[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\\.part");
            assertThat(IncomingFile.isTemporaryName(name)).isTrue();
        }
        assertThat(IncomingFile.isTemporaryName(".x.part")).isFalse();
        assertThat(IncomingFile.isTemporaryName("x.part")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ft.md", "upload.md", "update.md"})
    void theSpecNamesItTheSame(String spec) throws IOException {
        String text = Files.readString(PROTOCOLS.resolve(spec));
        Matcher names = SPEC_NAME.matcher(text);
        List<String> found = names.results().map(match -> match.group(1)).toList();
        assertThat(found).as(spec + " names the temporary file").isNotEmpty()
                .allMatch(name -> name.equals(".<uuid>.part") || name.equals(".<random UUID>.part"));
    }
}
