package transferlab.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.storage.Hashes;
import transferlab.storage.ServedDirectory;

/** The update server's queues, offers and hashes, with files and no socket (update.md D3, D7, D9, D10, D12). */
class OutboxTest {
    @TempDir
    Path root;
    private Outbox outbox;
    private Path queue;

    @BeforeEach
    void createOutbox() throws Exception {
        outbox = new Outbox(new ServedDirectory(root));
        queue = outbox.queueOf("laptop-7");
    }

    @Test
    void aClientsQueueIsItsDirectoryUnderTheOutboxAndABadIdIsABadFrame() throws Exception {
        assertThat(queue).isEqualTo(root.toRealPath().resolve("laptop-7")); // D3
        for (String bad : new String[] {"..", "a/b", ".hidden", ""}) { // D12
            assertThatThrownBy(() -> outbox.queueOf(bad)).as(bad).isInstanceOf(BadFrameException.class)
                    .hasMessageStartingWith("bad client id: ");
        }
    }

    @Test
    void filesAreOfferedInNameOrderWithTheirSha256AndHiddenFilesNever() throws Exception {
        queued("b.txt", "second");
        queued("a.txt", "first");
        queued(".c.txt.part", "being written by the operator");
        Outbox.QueuedFile first = outbox.offerNext(queue);
        assertThat(first.name()).isEqualTo("a.txt"); // D10
        assertThat(first.size()).isEqualTo(5);
        assertThat(first.hash()).isEqualTo("sha256:" + Hashes.sha256Hex(queue.resolve("a.txt"))); // D7
        assertThat(outbox.offerNext(queue).name()).isEqualTo("b.txt");
        assertThat(outbox.offerNext(queue)).as("everything else is on offer or hidden").isNull();
    }

    @Test
    void aQueueNobodyCreatedOffersNothing() throws Exception {
        assertThat(outbox.offerNext(outbox.queueOf("nobody"))).isNull();
    }

    @Test
    void aFileOnOfferIsNotOfferedTwiceUntilItsConnectionEndsWithoutAnAck() throws Exception {
        queued("only.txt", "one file");
        Outbox.QueuedFile offer = outbox.offerNext(queue);
        assertThat(outbox.isOnOffer(offer.path())).isTrue();
        assertThat(outbox.offerNext(queue)).as("a second connection of the same client").isNull(); // D10
        outbox.withdraw(offer, false); // the first connection closed before its ack: the file stays (D9)
        assertThat(outbox.isOnOffer(offer.path())).isFalse();
        assertThat(outbox.offerNext(queue).name()).isEqualTo("only.txt");
        assertThat(offer.path()).exists();
    }

    @Test
    void anAckOfAnUnchangedFileRemovesItFromTheQueue() throws Exception {
        Path file = queued("patch-1.bin", "patch");
        Outbox.QueuedFile offer = outbox.offerNext(queue);
        assertThat(outbox.acknowledged(offer)).isEqualTo(Outbox.Acknowledged.REMOVED); // D9
        assertThat(file).doesNotExist();
        assertThat(outbox.isOnOffer(file)).isFalse();
    }

    @Test
    void anAckOfAFileChangedSinceTheOfferKeepsItAndItIsOfferedAgainWithItsNewHash() throws Exception {
        Path file = queued("config.txt", "old");
        Outbox.QueuedFile offer = outbox.offerNext(queue);
        Files.writeString(file, "new and longer");
        assertThat(outbox.acknowledged(offer)).isEqualTo(Outbox.Acknowledged.CHANGED_AND_KEPT); // D9
        assertThat(file).hasContent("new and longer");
        Outbox.QueuedFile again = outbox.offerNext(queue);
        assertThat(again.hash()).isEqualTo("sha256:" + Hashes.sha256Hex(file)).isNotEqualTo(offer.hash());
    }

    @Test
    void anAckOfAFileTheOperatorTookBackSaysSo() throws Exception {
        Path file = queued("gone.txt", "soon gone");
        Outbox.QueuedFile offer = outbox.offerNext(queue);
        Files.delete(file);
        assertThat(outbox.acknowledged(offer)).isEqualTo(Outbox.Acknowledged.ALREADY_GONE);
        assertThat(outbox.offerNext(queue)).isNull();
    }

    @Test
    void aHashIsRememberedWhileTheFileLooksUnchangedAndForgottenWhenTheWholeFileWentUnacknowledged()
            throws Exception {
        Path file = queued("big.bin", "AAAA");
        FileTime written = Files.getLastModifiedTime(file);
        Outbox.QueuedFile offer = outbox.offerNext(queue);
        outbox.withdraw(offer, false); // cut off mid-file

        // The same size, time and file: the remembered hash is offered without reading the file again.
        Files.writeString(file, "BBBB", StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
        Files.setLastModifiedTime(file, written);
        Outbox.QueuedFile remembered = outbox.offerNext(queue);
        assertThat(remembered.hash()).isEqualTo(offer.hash());

        // The client took every byte but sent no ack (its hash did not match, say): hash afresh next time.
        outbox.withdraw(remembered, true);
        assertThat(outbox.offerNext(queue).hash()).isEqualTo("sha256:" + Hashes.sha256Hex(file))
                .isNotEqualTo(offer.hash());
    }

    private Path queued(String name, String content) throws IOException {
        Files.createDirectories(queue);
        return Files.writeString(queue.resolve(name), content);
    }
}
