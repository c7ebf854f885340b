package transferlab.update;

/**
 * What one poll achieved: files stored, and files skipped because their hash was already held.
 * Both kinds were acknowledged, so both left the server's queue.
 */
public record PollResult(int stored, int skipped) {

    /**
     * The closing line of {@code update-client --once}. A server that closes without any offer looks
     * the same on the wire whether its queue was empty or it rejected the poll (a server of another
     * dialect, seed 002's real programs among them), so that case says both instead of claiming an empty queue.
     */
    public String summary(String clientId) {
        if (stored == 0 && skipped == 0) {
            return "done: the server closed without an offer (nothing queued for " + clientId
                    + ", or it did not understand the poll)";
        }
        return "done: " + stored + " stored, " + skipped + " skipped, nothing more queued";
    }
}
