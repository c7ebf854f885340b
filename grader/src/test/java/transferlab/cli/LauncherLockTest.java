package transferlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's lock where {@code flock} is missing, as on stock macOS (issue 13, item 6): a
 * directory made with mkdir, holding its owner's pid. The test sources {@code ./transfer} and calls
 * its {@code with_lock} with a PATH that has the few programs it needs and no flock.
 */
class LauncherLockTest {
    private static final Path LAUNCHER = Path.of("..", "transfer").toAbsolutePath().normalize();
    private static final List<String> PROGRAMS = List.of("mkdir", "rm", "cat", "sleep", "dirname", "touch");

    @TempDir
    Path work;
    Path bin;
    Path lock;
    Path marker;

    @BeforeEach
    void pathWithoutFlock() throws IOException {
        bin = Files.createDirectories(work.resolve("bin"));
        for (String program : PROGRAMS) {
            Path real = Files.exists(Path.of("/usr/bin", program)) ? Path.of("/usr/bin", program)
                    : Path.of("/bin", program);
            Path wrapper = bin.resolve(program); // a script, not a link: JUnit warns when it deletes links
            Files.writeString(wrapper, "#!/bin/sh\nexec " + real + " \"$@\"\n");
            assertThat(wrapper.toFile().setExecutable(true)).isTrue();
        }
        lock = work.resolve("launcher.lock");
        marker = work.resolve("ran");
    }

    @Test
    @DisplayName("issue 13 item 6: without flock, a lock whose owner is gone is stale, taken over and released")
    void staleLockIsTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.createDirectories(work.resolve("launcher.lock.d"));
        Files.writeString(work.resolve("launcher.lock.d/pid"), gone.pid() + "\n");

        Process locked = withLock().start();

        assertThat(locked.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(locked.exitValue()).as(new String(locked.getInputStream().readAllBytes())).isZero();
        assertThat(marker).exists();
        assertThat(work.resolve("launcher.lock.d")).doesNotExist();
    }

    @Test
    @DisplayName("issue 13 item 6: without flock, a lock held by a live process makes the next run wait for it")
    void liveLockIsWaitedFor() throws Exception {
        Files.createDirectories(work.resolve("launcher.lock.d"));
        Files.writeString(work.resolve("launcher.lock.d/pid"), ProcessHandle.current().pid() + "\n");

        Process waiting = withLock().start();
        try {
            await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                    .until(() -> waiting.isAlive() && !Files.exists(marker));

            Files.delete(work.resolve("launcher.lock.d/pid")); // the holder is done
            Files.delete(work.resolve("launcher.lock.d"));

            assertThat(waiting.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(waiting.exitValue()).isZero();
            assertThat(marker).exists();
            assertThat(work.resolve("launcher.lock.d")).doesNotExist();
        } finally {
            waiting.destroyForcibly();
        }
    }

    private ProcessBuilder withLock() {
        ProcessBuilder builder = new ProcessBuilder("/bin/bash", "-c", "source \"$1\"; with_lock \"$2\" touch \"$3\"",
                "bash", LAUNCHER.toString(), lock.toString(), marker.toString()).redirectErrorStream(true);
        builder.environment().put("PATH", bin.toString());
        return builder;
    }
}
