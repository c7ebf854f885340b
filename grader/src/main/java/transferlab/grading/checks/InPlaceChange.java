package transferlab.grading.checks;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * Makes a reference server announce a wrong hash, for the client checks: once the server has
 * computed and cached a file's hash (R16, and the update server's hash cache), one byte of the
 * file is changed in place with its size, modification time and identity kept, which is the one
 * change such a cache cannot see. The server then sends the new bytes under the old hash.
 */
public final class InPlaceChange {
    private InPlaceChange() {
    }

    static void flipOneByteKeepingSizeAndTime(Path file, long offset) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        try (RandomAccessFile inPlace = new RandomAccessFile(file.toFile(), "rw")) {
            inPlace.seek(offset);
            int old = inPlace.read();
            inPlace.seek(offset);
            inPlace.write(old ^ 0xff);
        }
        Files.setLastModifiedTime(file, modified);
    }
}
