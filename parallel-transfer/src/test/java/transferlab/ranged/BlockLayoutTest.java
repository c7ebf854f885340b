package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The block formula of protocol R (R5): B = S div N + 1, block i = [i·B, min(S, (i+1)·B)). */
class BlockLayoutTest {
    @Test
    void theSpecsWorkedExample() {
        BlockLayout layout = new BlockLayout(10, 4);
        assertThat(layout.blockSize()).isEqualTo(3);
        assertThat(new long[] {layout.length(0), layout.length(1), layout.length(2), layout.length(3)})
                .containsExactly(3, 3, 3, 1);
        assertThat(layout.start(3)).isEqualTo(9);
        assertThat(layout.end(3)).isEqualTo(10);
    }

    @Test
    void smallFilesEndInEmptyBlocks() {
        BlockLayout three = new BlockLayout(3, 4);
        assertThat(three.blockSize()).isEqualTo(1);
        assertThat(three.length(3)).isZero();
        assertThat(three.start(3)).isEqualTo(3);
        BlockLayout empty = new BlockLayout(0, 255);
        assertThat(empty.blockSize()).isEqualTo(1);
        assertThat(empty.length(0)).isZero();
        assertThat(empty.length(254)).isZero();
    }

    @Test
    void theBlocksAlwaysCoverTheFileExactly() {
        for (int threads : new int[] {1, 2, 7, 64, 255}) {
            for (long size : new long[] {0, 1, threads - 1, threads, threads + 1, (long) (threads - 1) * threads,
                    1 << 20}) {
                BlockLayout layout = new BlockLayout(size, threads);
                long covered = 0;
                for (int block = 0; block < threads; block++) {
                    assertThat(layout.start(block)).as("size %d, N %d, block %d", size, threads, block)
                            .isEqualTo(covered);
                    covered = layout.end(block);
                }
                assertThat(covered).isEqualTo(size);
            }
        }
    }

    @Test
    void theNumberOfBlocksFitsInOneByte() {
        assertThatThrownBy(() -> new BlockLayout(10, 0)).hasMessageContaining("0");
        assertThatThrownBy(() -> new BlockLayout(10, 256)).hasMessageContaining("256");
    }
}
