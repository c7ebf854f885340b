package transferlab.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A page loaded in headless Chromium, for the tests of the pages and pictures the kit writes (the
 * grader's reports, the class page, the demo's speedup plot): Chromium's own serialisation of the
 * page after its scripts ran is the proof it parsed and laid it out. Where Chromium is not installed,
 * {@link #find} says so and the caller skips (.ci/run installs Debian's chromium).
 *
 * <pre>
 *   Optional&lt;String&gt; chromium = HeadlessChromium.find();
 *   String dom = HeadlessChromium.dumpDom(chromium.get(), page, work);   // the page as Chromium built it
 * </pre>
 */
public final class HeadlessChromium {
    private static final long WAIT_SECONDS = 60;

    private HeadlessChromium() {
    }

    /**
     * Chromium's serialisation of {@code page}, loaded with {@code flags} besides the headless ones;
     * its profile, output and log go into {@code work}.
     */
    public static String dumpDom(String chromium, Path page, Path work, String... flags)
            throws IOException, InterruptedException {
        Path dom = work.resolve("dom.html");
        Path log = work.resolve("chromium.log");
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu"));
        command.addAll(List.of(flags));
        command.addAll(List.of("--user-data-dir=" + work.resolve("profile"), "--dump-dom", page.toUri().toString()));
        Process browser = new ProcessBuilder(command).redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        if (!browser.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            browser.destroyForcibly();
            throw new IOException("chromium did not exit within " + WAIT_SECONDS + " s; it said: " + Files.readString(log));
        }
        if (browser.exitValue() != 0) {
            throw new IOException("chromium exited with status " + browser.exitValue() + "; it said: "
                    + Files.readString(log));
        }
        return Files.readString(dom, StandardCharsets.UTF_8);
    }

    /** Chromium's path, where it is installed. */
    public static Optional<String> find() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toString());
                }
            }
        }
        return Optional.empty();
    }
}
