package transferlab.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The few git commands the release needs, run as processes (git is on every course machine). */
final class Git {
    private static final long TIMEOUT_SECONDS = 60;

    private Git() {
    }

    /** {@code git init}, add everything, one commit: the tree is ready to be a template repository. */
    static void initAndCommit(Path dir, String message) throws IOException, InterruptedException {
        run(dir, "init", "-q", "-b", "main");
        run(dir, "add", "-A");
        run(dir, "-c", "user.name=Transfer Lab", "-c", "user.email=transfer-lab@localhost",
                "-c", "commit.gpgsign=false", "commit", "-q", "-m", message);
    }

    /** Runs {@code git ARGS} in {@code dir}; returns its standard output, or fails with its error output. */
    static byte[] run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        Process git;
        try {
            git = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new IOException("cannot run git (is it installed?): " + e.getMessage(), e);
        }
        git.getOutputStream().close();
        // Read both streams before waiting: a full pipe would block git.
        var error = git.getErrorStream();
        byte[][] err = new byte[1][];
        Thread errReader = new Thread(() -> {
            try {
                err[0] = error.readAllBytes();
            } catch (IOException e) {
                err[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        }, "git-stderr");
        errReader.start();
        byte[] out = git.getInputStream().readAllBytes();
        if (!git.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            git.destroyForcibly();
            throw new IOException("git " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        errReader.join();
        if (git.exitValue() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed (exit " + git.exitValue() + "): "
                    + new String(err[0], StandardCharsets.UTF_8).strip());
        }
        return out;
    }
}
