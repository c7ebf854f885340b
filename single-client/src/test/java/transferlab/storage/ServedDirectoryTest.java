package transferlab.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedDirectoryTest {
    @TempDir
    Path temp;

    @Test
    void createsTheRootAndResolvesPlainNamesUnderIt() throws Exception {
        ServedDirectory served = new ServedDirectory(temp.resolve("data"));
        assertThat(served.root()).isDirectory().isEqualTo(temp.resolve("data").toRealPath());
        assertThat(served.resolve("notes.txt")).isEqualTo(served.root().resolve("notes.txt"));
    }

    @Test
    void namesThatAreNotPlainAreRefusedBeforeAnythingIsResolved() throws Exception {
        ServedDirectory served = new ServedDirectory(temp.resolve("data"));
        for (String name : new String[] {"../x", "/etc/passwd", "a/b", "..", ".hidden", ""}) {
            assertThatThrownBy(() -> served.resolve(name)).as(name).isInstanceOf(BadNameException.class);
        }
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRefused() throws Exception {
        ServedDirectory served = new ServedDirectory(temp.resolve("data"));
        Path secret = Files.writeString(temp.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(served.root().resolve("escape"), secret);
        assertThatThrownBy(() -> served.resolve("escape"))
                .isInstanceOf(BadNameException.class).hasMessageContaining("'escape'").hasMessageContaining("link out");
    }

    @Test
    void aSymbolicLinkToASiblingWhoseNameStartsWithTheRootsNameIsStillOutside() throws Exception {
        // "/tmp/…/data-evil/f" starts with the string "/tmp/…/data" but not with the path: Path.startsWith, never a
        // string prefix.
        ServedDirectory served = new ServedDirectory(temp.resolve("data"));
        Path sibling = Files.createDirectories(temp.resolve("data-evil"));
        Path target = Files.writeString(sibling.resolve("f"), "outside");
        assertThat(target.toRealPath().toString()).startsWith(served.root().toString());
        Files.createSymbolicLink(served.root().resolve("f"), target);
        assertThatThrownBy(() -> served.resolve("f")).isInstanceOf(BadNameException.class);
    }

    @Test
    void aSymbolicLinkInsideTheRootIsFine() throws Exception {
        ServedDirectory served = new ServedDirectory(temp.resolve("data"));
        Files.writeString(served.root().resolve("real.txt"), "inside");
        Files.createSymbolicLink(served.root().resolve("alias.txt"), served.root().resolve("real.txt"));
        assertThat(served.resolve("alias.txt")).isEqualTo(served.root().resolve("alias.txt"));
    }

    @Test
    void aRootGivenThroughASymbolicLinkStillResolvesItsOwnFiles() throws Exception {
        Path real = Files.createDirectories(temp.resolve("real-root"));
        Files.writeString(real.resolve("a.txt"), "a");
        Path link = Files.createSymbolicLink(temp.resolve("link-root"), real);
        ServedDirectory served = new ServedDirectory(link);
        assertThat(served.root()).isEqualTo(real.toRealPath());
        assertThat(served.resolve("a.txt")).hasContent("a");
    }

    @Test
    void nestedPathsAreCheckedSegmentBySegment() throws Exception {
        ServedDirectory served = new ServedDirectory(temp.resolve("data"));
        assertThat(served.resolveNested("a/b.txt")).isEqualTo(served.root().resolve("a").resolve("b.txt"));
        assertThat(served.resolveNested("/a/b.txt")).isEqualTo(served.root().resolve("a").resolve("b.txt"));
        for (String path : new String[] {"a/../b", "../b", "a//b", "a/", "", "/", "a/.b"}) {
            assertThatThrownBy(() -> served.resolveNested(path)).as(path).isInstanceOf(BadNameException.class);
        }
    }

    @Test
    void listFilesGivesPlainRegularFilesSortedWithoutHiddenTemporaryFilesDirectoriesOrLinks() throws IOException {
        ServedDirectory served = new ServedDirectory(temp.resolve("data"));
        Path root = served.root();
        Files.writeString(root.resolve("b.txt"), "b");
        Files.writeString(root.resolve("a.txt"), "a");
        Files.writeString(root.resolve(".a.txt.123.part"), "half");
        Files.createDirectories(root.resolve("sub"));
        Files.createSymbolicLink(root.resolve("link"), root.resolve("a.txt"));
        assertThat(served.listFiles()).containsExactly("a.txt", "b.txt");
    }
}
