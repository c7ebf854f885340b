package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What the download bars show (issue 19, item 8): every line within the terminal's width less one
 * (so none wraps, and the frame erases cleanly), no word cut at 80 columns, and after the last byte
 * each block at 100% with the rate of its own bytes over its own time.
 */
class DownloadProgressTest {
    private static final long MIB = 1 << 20;
    private static final long MILLISECOND = 1_000_000;

    @Test
    void atEightyColumnsEveryLineFitsWholeAndKeepsItsBar() {
        AtomicLong clock = new AtomicLong(5_000 * MILLISECOND);
        BlockLayout layout = new BlockLayout(256 * MIB, 16);
        DownloadProgress progress = DownloadProgress.hidden("lecture.bin (16 connections)", layout, clock::get);
        for (int block = 0; block < 16; block++) {
            progress.advance(block, layout.length(block) / 3);
        }
        clock.addAndGet(1_000 * MILLISECOND);

        List<String> lines = progress.frame(79).lines().toList();

        assertThat(lines).hasSize(17).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(79)
                .contains("[", "]").endsWith(" MiB/s"));
        assertThat(lines.get(0)).startsWith("lecture.bin (16 connections)  33% [").contains(" 85/256 MiB ");
    }

    @Test
    void aNarrowTerminalLosesTheBarThenTheEndsOfLinesButNoLineWraps() {
        BlockLayout layout = new BlockLayout(256 * MIB, 64);
        String title = "a-long-file-name-for-a-lecture.bin (64 blocks, 16 connections)";
        for (int width : new int[] {79, 59, 39, 19, 1}) {
            DownloadProgress progress = DownloadProgress.hidden(title, layout, System::nanoTime);
            progress.advance(0, MIB);
            assertThat(progress.frame(width).lines()).as("at %d columns", width).hasSize(1)
                    .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(width));
        }
        assertThat(DownloadProgress.line(title, title.length(), 100 * MIB, 256 * MIB, "100.0 MiB/s", 59))
                .as("too narrow for a bar: the name gives way to the numbers")
                .isEqualTo("a-long-file-name-for-a-lecture. 39% 100/256 MiB 100.0 MiB/s");
    }

    @Test
    void afterTheLastByteEachBlockShowsAHundredPercentAndItsOwnRate() {
        AtomicLong clock = new AtomicLong(1_000 * MILLISECOND);
        BlockLayout layout = new BlockLayout(64 * MIB, 4); // 16 MiB each, blocks taken in turn
        DownloadProgress progress = DownloadProgress.hidden("f", layout, clock::get);
        for (int block = 0; block < 4; block++) {
            clock.addAndGet(100 * MILLISECOND); // connecting
            progress.advance(block, 8 * MIB);
            clock.addAndGet(500 * MILLISECOND); // 16 MiB at 32 MiB/s: the first byte to the last
            progress.advance(block, layout.length(block) - 8 * MIB);
        }
        clock.addAndGet(700 * MILLISECOND); // the MD5's tail: nothing arrives, the rates stand

        List<String> lines = progress.frame(79).lines().toList();

        assertThat(lines.subList(1, 5)).allSatisfy(line -> assertThat(line).contains("100% [")
                .endsWith(" 32.0 MiB/s"));
        assertThat(lines.get(1)).contains(" 16/16 MiB ");
        assertThat(lines.get(0)).as("the total: 64 MiB from the start to the last byte, 2.4 s")
                .contains("100% [", "64/64 MiB").endsWith(" 26.7 MiB/s");
    }
}
