package transferlab.ranged;

import java.nio.file.Path;

/**
 * A finished, verified ranged download.
 *
 * @param offer        what the server announced
 * @param output       where the file now is
 * @param size         its size in bytes (the server's "size", or what the blocks brought)
 * @param md5          the MD5 of the received file (equal to the offer's)
 * @param nanos        from the control request to the file in place
 * @param retries      attempts that failed and were asked for again
 */
public record DownloadResult(DownloadOffer offer, Path output, long size, String md5, long nanos, int retries) {
    /** Megabytes (10^6 bytes) per second over the whole download. */
    public double megabytesPerSecond() {
        return nanos == 0 ? 0 : size / 1e6 / (nanos / 1e9);
    }
}
