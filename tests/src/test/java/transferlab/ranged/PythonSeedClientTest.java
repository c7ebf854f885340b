package transferlab.ranged;

import static org.assertj.core.api.Assertions.assertThat;

import transferlab.python.PythonPrograms;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.Requirement;
import transferlab.server.ServerLog;
import transferlab.storage.ServedDirectory;
import transferlab.testkit.TestFiles;

/**
 * Interoperability: tests/python/parallel_client_seed000.py, a Python 3 client written only from seed
 * 000's description, downloads a file from our Java server and checks its MD5. Skipped (not failed)
 * only when python3 is not installed.
 */
class PythonSeedClientTest {
    private static final Path CLIENT = PythonPrograms.program("parallel_client_seed000.py");

    @Test
    @Requirement({"R1", "R2", "R3", "R4", "R5", "R6"})
    void theSeedsPythonClientDownloadsFromOurServer(@TempDir Path root, @TempDir Path downloads) throws Exception {
        PythonPrograms.assumePython();
        assertThat(CLIENT).exists();
        byte[] content = TestFiles.randomBytes((3 << 20) + 5, 8);
        Files.write(root.resolve("seed file.bin"), content); // a space, to check the path's encoding too
        ParallelServer server = ParallelServer.bind(new InetSocketAddress("127.0.0.1", 0), new ServedDirectory(root),
                RangedLimits.defaults(), ServerLog.silent());
        Thread serving = server.serveInBackground("ranged-python");
        try {
            Path output = downloads.resolve("copy.bin");
            Process python = new ProcessBuilder("python3", CLIENT.toString(), "127.0.0.1:" + server.address().getPort(),
                    "7", "seed file.bin", output.toString()).redirectErrorStream(true).start();
            String transcript = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(python.exitValue()).as(transcript).isZero();
            assertThat(Files.readAllBytes(output)).isEqualTo(content);
        } finally {
            server.close();
            serving.join(10_000);
        }
    }
}
