package transferlab.contract.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.grading.CheckCommand;

/** The names under which the grader finds an upload (issue 8): the sent name, seed 004's, or {@code --stored-name}. */
class StoredNamesTest {
    @TempDir
    Path directory;

    @Test
    void seed004sNamesAreTheSentNameTheTempSuffixAndTheTempSuffixWithDigits() {
        assertThat(StoredNames.SEED_004.matches("notes.txt", "notes.txt")).isTrue();
        assertThat(StoredNames.SEED_004.matches("notes.txt.temp", "notes.txt")).isTrue();
        assertThat(StoredNames.SEED_004.matches("notes.txt.temp4711", "notes.txt")).isTrue();
        assertThat(StoredNames.SEED_004.matches("notes.txt.tempx", "notes.txt")).isFalse();
        assertThat(StoredNames.SEED_004.matches("notes.txt.temp4711", "notes")).isFalse();
        assertThat(StoredNames.SEED_004.matches("notesXtxt", "notes.txt")).as("the name is literal, not a regex")
                .isFalse();
        assertThat(StoredNames.EXACT.matches("notes.txt.temp4711", "notes.txt")).isFalse();
    }

    @Test
    void findPrefersTheSentNameAndOtherwiseFindsAPatternsFile() throws Exception {
        Files.writeString(directory.resolve("a.bin.temp1234"), "seed");
        assertThat(StoredNames.SEED_004.find(directory, "a.bin")).contains(directory.resolve("a.bin.temp1234"));
        assertThat(StoredNames.EXACT.find(directory, "a.bin")).isEmpty();
        Files.writeString(directory.resolve("a.bin"), "ours");
        assertThat(StoredNames.SEED_004.find(directory, "a.bin")).contains(directory.resolve("a.bin"));
        assertThat(StoredNames.of(List.of("got-{name}")).find(directory, "b.bin")).isEmpty();
        Files.writeString(directory.resolve("got-b.bin"), "theirs");
        assertThat(StoredNames.of(List.of("got-{name}")).find(directory, "b.bin"))
                .contains(directory.resolve("got-b.bin"));
        assertThat(StoredNames.of(List.of("got-{name}")).describe("b.bin")).isEqualTo("'b.bin' or 'got-b.bin'");
    }

    @Test
    void aPatternNeedsTheNameOnceAndNoSeparator() {
        assertThatThrownBy(() -> StoredNames.of(List.of("upload.temp"))).hasMessageContaining("{name} exactly once");
        assertThatThrownBy(() -> StoredNames.of(List.of("{name}{name}"))).hasMessageContaining("{name} exactly once");
        assertThatThrownBy(() -> StoredNames.of(List.of("sub/{name}"))).hasMessageContaining("without '/'");
        assertThat(CheckCommand.run("upload", "--server-cmd", "true", "--stored-name", "upload.temp"))
                .as("a bad --stored-name is a usage error").isEqualTo(2);
    }
}
