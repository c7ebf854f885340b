package transferlab.update;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes protocol D's framing and its two messages (D2-D6): a 2-byte length, then that many bytes
 * of JSON, read by the client from a stream ({@link UpdateFrame#read}) and by the event-loop server
 * a few bytes at a time ({@link UpdateFrame.Collector}). {@code mvn verify} replays the seeds in
 * {@code UpdateFrameFuzzTestInputs} (the spec's poll, offer and ack, and edge cases); a long run:
 * <pre>
 *   JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -pl multi-client -am verify \
 *       -Dtest=UpdateFrameFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Whatever the bytes: both readers see the same frames and end the same way (clean end, cut
 * short, or a bad frame); every frame is either refused with a printable reason, or a request or
 * offer that encodes and parses back to itself.
 */
class UpdateFrameFuzzTest {
    private static final int MAX_FRAMES = 64;

    @FuzzTest(maxDuration = "5m")
    void framesParseOrAreRefusedAlikeBlockingAndNonBlocking(byte[] input) throws IOException {
        List<Object> blocking = readBlocking(input);
        List<Object> nonBlocking = readNonBlocking(input, 1 + input.length % 5);
        assertThat(nonBlocking).usingElementComparator(UpdateFrameFuzzTest::compare).isEqualTo(blocking);
        for (Object frame : blocking) {
            if (frame instanceof byte[] json) {
                checkRequest(json);
                checkOffer(json);
            }
        }
    }

    private static void checkRequest(byte[] json) {
        try {
            UpdateRequest request = UpdateRequest.parse(json);
            assertThat(UpdateRequest.parse(withoutLength(request.encode()))).isEqualTo(request);
        } catch (BadFrameException e) {
            assertThat(e.getMessage()).doesNotContainPattern("\\p{Cntrl}");
        }
    }

    private static void checkOffer(byte[] json) {
        try {
            UpdateOffer offer = UpdateOffer.parse(json);
            assertThat(offer.fileSize()).isNotNegative();
            assertThat(offer.fileHash()).matches(UpdateProtocol.HASH);
            assertThat(UpdateOffer.parse(withoutLength(offer.encode()))).isEqualTo(offer);
        } catch (BadFrameException e) {
            assertThat(e.getMessage()).doesNotContainPattern("\\p{Cntrl}");
        }
    }

    /** Frames as the client reads them, then how the stream ended: "end", "cut" or "bad". */
    private static List<Object> readBlocking(byte[] input) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        List<Object> frames = new ArrayList<>();
        while (frames.size() < MAX_FRAMES) {
            try {
                byte[] json = UpdateFrame.read(in, UpdateFrame.MAX_WIRE_LENGTH);
                if (json == null) {
                    frames.add("end");
                    break;
                }
                frames.add(json);
            } catch (EOFException e) {
                frames.add("cut");
                break;
            } catch (BadFrameException e) {
                frames.add("bad");
                break;
            }
        }
        return frames;
    }

    /** The same, as the event-loop server reads them, {@code chunk} bytes at a time at most. */
    private static List<Object> readNonBlocking(byte[] input, int chunk) throws IOException {
        ReadableByteChannel channel = new Trickle(input, chunk);
        UpdateFrame.Collector collector = new UpdateFrame.Collector(UpdateFrame.MAX_WIRE_LENGTH);
        List<Object> frames = new ArrayList<>();
        for (int reads = 0; frames.size() < MAX_FRAMES && reads <= input.length + 2 * MAX_FRAMES; reads++) {
            try {
                byte[] json = collector.readFrom(channel);
                if (json != null) {
                    frames.add(json);
                }
            } catch (EOFException e) {
                frames.add(collector.isEmpty() ? "end" : "cut");
                break;
            } catch (BadFrameException e) {
                frames.add("bad");
                break;
            }
        }
        return frames;
    }

    private static int compare(Object a, Object b) {
        boolean same = a instanceof byte[] x && b instanceof byte[] y ? Arrays.equals(x, y) : a.equals(b);
        return same ? 0 : 1;
    }

    private static byte[] withoutLength(ByteBuffer frame) {
        return Arrays.copyOfRange(frame.array(), frame.arrayOffset() + frame.position() + UpdateFrame.LENGTH_BYTES,
                frame.arrayOffset() + frame.limit());
    }

    /** A channel that hands out at most {@code chunk} bytes per read, then the end of the stream. */
    private static final class Trickle implements ReadableByteChannel {
        private final ByteBuffer source;
        private final int chunk;

        Trickle(byte[] bytes, int chunk) {
            this.source = ByteBuffer.wrap(bytes);
            this.chunk = chunk;
        }

        @Override
        public int read(ByteBuffer target) {
            if (!source.hasRemaining()) {
                return -1;
            }
            int n = Math.min(chunk, Math.min(source.remaining(), target.remaining()));
            target.put(source.slice().limit(n));
            source.position(source.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
