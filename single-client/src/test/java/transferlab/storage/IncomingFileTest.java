package transferlab.storage;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncomingFileTest {
    @TempDir
    Path dir;

    @Test
    void contentIsInAHiddenTemporaryFileBesideTheTargetUntilCommitMovesItIntoPlace() throws IOException {
        Path target = dir.resolve("notes.txt");
        try (IncomingFile file = IncomingFile.create(target)) {
            file.write(bytes("hello"));
            assertThat(file.temporaryPath().getParent()).isEqualTo(dir);
            assertThat(file.temporaryPath().getFileName().toString()).startsWith(".");
            assertThat(target).doesNotExist();
            file.commit();
        }
        assertThat(target).hasContent("hello");
        assertThat(names()).containsExactly("notes.txt");
    }

    @Test
    void aTargetNameOf255BytesWorks() throws IOException {
        Path target = dir.resolve("é".repeat(127) + "a");
        try (IncomingFile file = IncomingFile.create(target)) {
            file.write(bytes("long"));
            file.commit();
        }
        assertThat(target).hasContent("long");
    }

    @Test
    void commitReplacesAnExistingFile() throws IOException {
        Path target = Files.writeString(dir.resolve("same.txt"), "old");
        try (IncomingFile file = IncomingFile.create(target)) {
            file.write(bytes("new"));
            file.commit();
        }
        assertThat(target).hasContent("new");
        assertThat(names()).containsExactly("same.txt");
    }

    @Test
    void commitWithoutOverwritingRefusesAnExistingFileAndCloseStillDeletesTheTemporary() throws IOException {
        Path target = Files.writeString(dir.resolve("same.txt"), "old");
        try (IncomingFile file = IncomingFile.create(target)) {
            file.write(bytes("new"));
            assertThatThrownBy(file::commitWithoutOverwriting).isInstanceOf(FileAlreadyExistsException.class);
        }
        assertThat(target).hasContent("old");
        assertThat(names()).containsExactly("same.txt");
    }

    @Test
    void commitWithoutOverwritingCreatesANewFile() throws IOException {
        Path target = dir.resolve("new.txt");
        try (IncomingFile file = IncomingFile.create(target)) {
            file.write(bytes("fresh"));
            file.commitWithoutOverwriting();
        }
        assertThat(target).hasContent("fresh");
        assertThat(names()).containsExactly("new.txt");
    }

    @Test
    void closeWithoutCommitDeletesTheTemporaryFileAndCreatesNothing() throws IOException {
        Path temporary;
        try (IncomingFile file = IncomingFile.create(dir.resolve("broken.txt"))) {
            file.write(bytes("half"));
            temporary = file.temporaryPath();
            assertThat(temporary).exists();
        }
        assertThat(temporary).doesNotExist();
        assertThat(names()).isEmpty();
    }

    @Test
    void blocksCanBeWrittenAtTheirOffsetsInAnyOrder() throws IOException {
        Path target = dir.resolve("blocks.bin");
        try (IncomingFile file = IncomingFile.create(target)) {
            file.channel().write(bytes("world"), 5);
            file.channel().write(bytes("hello"), 0);
            file.commit();
        }
        assertThat(target).hasContent("helloworld");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(US_ASCII));
    }
}
