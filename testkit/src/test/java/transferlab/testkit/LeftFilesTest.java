package transferlab.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile program can leave where the suite looks: a link to {@code /dev/zero}, a named
 * pipe, files that vanish while they are listed. Each must give an answer at once, never a read
 * that never ends, blocks, or fails the test that looks.
 */
class LeftFilesTest {
    @TempDir
    Path directory;

    @Test
    @Timeout(5)
    void aLinkToDevZeroIsReportedAsALinkAndNeverRead() throws IOException {
        Path link = Files.createSymbolicLink(directory.resolve("empty.txt"), Path.of("/dev/zero"));

        assertThatThrownBy(() -> LeftFiles.read(link)).isInstanceOf(LeftFiles.NotARegularFile.class)
                .hasMessageContaining("empty.txt is not a regular file: it is a symbolic link");
        assertThatThrownBy(() -> LeftFiles.sha256(link)).isInstanceOf(LeftFiles.NotARegularFile.class);
        assertThat(LeftFiles.holds(link, new byte[0])).isFalse();
        assertThat(LeftFiles.size(link)).isEqualTo(-1);
        assertThat(LeftFiles.snapshot(directory)).containsEntry("empty.txt", "symbolic link to /dev/zero");
    }

    @Test
    @Timeout(5)
    void aLinkToARegularFileIsNotFollowedEither() throws IOException {
        Path outside = Files.writeString(Files.createDirectory(directory.resolve("reference")).resolve("a.txt"), "x");
        Path link = Files.createSymbolicLink(directory.resolve("a.txt"), outside);

        assertThatThrownBy(() -> LeftFiles.sha256(link)).isInstanceOf(LeftFiles.NotARegularFile.class);
        assertThat(LeftFiles.holds(link, "x".getBytes())).isFalse();
    }

    @Test
    @Timeout(5)
    void aNamedPipeIsNotARegularFileAndDoesNotBlock() throws Exception {
        Path pipe = directory.resolve("notes.txt");
        assumeTrue(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor() == 0, "mkfifo is missing");

        assertThatThrownBy(() -> LeftFiles.read(pipe)).isInstanceOf(LeftFiles.NotARegularFile.class)
                .hasMessageContaining("not a regular file (a named pipe");
        assertThat(LeftFiles.holds(pipe, new byte[0])).isFalse();
        assertThat(LeftFiles.list(directory)).extracting(LeftFiles.Entry::kind).containsExactly(LeftFiles.Kind.OTHER);
        assertThat(LeftFiles.snapshot(directory)).containsEntry("notes.txt", LeftFiles.Kind.OTHER.description());
    }

    @Test
    void aFileIsReadWholeOrUpToItsCap() throws IOException {
        Path file = Files.write(directory.resolve("ten.bin"), TestFiles.randomBytes(10, 1));

        assertThat(LeftFiles.read(file)).isEqualTo(TestFiles.randomBytes(10, 1));
        assertThat(LeftFiles.read(file, 4)).hasSize(5); // one more than the cap: "it is longer"
        assertThat(LeftFiles.sha256(file)).isEqualTo(TestFiles.sha256(file));
        assertThat(LeftFiles.holds(file, TestFiles.randomBytes(10, 1))).isTrue();
        assertThat(LeftFiles.holds(file, TestFiles.randomBytes(9, 1))).isFalse();
    }

    /** The U10 race: a server deletes its temporary files while the suite takes snapshots of its directory. */
    @Test
    @Timeout(20)
    void filesVanishingWhileTheDirectoryIsReadAreSimplyNotThere() throws Exception {
        Path served = Files.createDirectory(directory.resolve("received"));
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Integer> churn = CompletableFuture.supplyAsync(() -> {
            int cycles = 0;
            try {
                while (!done.get()) {
                    Path sub = Files.createDirectories(served.resolve(".sub-" + (cycles % 3)));
                    for (int i = 0; i < 20; i++) {
                        Files.write(served.resolve(".temp" + i), TestFiles.randomBytes(50_000, i));
                        Files.write(sub.resolve("f" + i), TestFiles.randomBytes(100, i));
                    }
                    for (int i = 0; i < 20; i++) {
                        Files.delete(served.resolve(".temp" + i));
                        Files.delete(sub.resolve("f" + i));
                    }
                    Files.delete(sub);
                    cycles++;
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return cycles;
        });
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        int snapshots = 0;
        try {
            while (System.nanoTime() < end) {
                Map<String, String> snapshot = LeftFiles.snapshot(served);
                assertThat(snapshot.keySet()).allMatch(name -> name.startsWith(".temp") || name.startsWith(".sub-"));
                LeftFiles.list(served);
                snapshots++;
            }
        } finally {
            done.set(true);
        }
        assertThat(churn.get()).as("delete cycles of the churning thread").isPositive();
        assertThat(snapshots).isPositive();
    }
}
