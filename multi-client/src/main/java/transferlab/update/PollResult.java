package transferlab.update;

/**
 * What one poll achieved: files stored, and files skipped because their hash was already held.
 * Both kinds were acknowledged, so both left the server's queue.
 */
public record PollResult(int stored, int skipped) {
}
