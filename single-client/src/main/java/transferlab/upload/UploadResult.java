package transferlab.upload;

/**
 * What an upload achieved, with the moments of its three steps (System.nanoTime values) so a demo
 * can draw a timeline of who was served when.
 *
 * @param localSha256  SHA-256 of the bytes sent
 * @param serverSha256 SHA-256 the server reported in its "ok" line, or null when the server closed
 *                     without one (a seed 004 server: the file is stored, but nobody confirmed it)
 */
public record UploadResult(String name, long size, String localSha256, String serverSha256,
                           long connectedNanos, long goAheadNanos, long finishedNanos) {
    /** True when the server sent an "ok" line with a hash. */
    public boolean confirmed() {
        return serverSha256 != null;
    }

    /** True when the server confirmed that it stored exactly the bytes that were sent. */
    public boolean verified() {
        return localSha256.equals(serverSha256);
    }
}
