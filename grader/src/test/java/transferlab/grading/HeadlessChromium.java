package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A page loaded in headless Chromium, for the tests of the HTML pages the grader writes. */
public final class HeadlessChromium {
    private HeadlessChromium() {
    }

    /** Chromium's own serialisation of the page it loaded: proof it parsed and built it. */
    public static String dumpDom(String chromium, Path page, Path work) throws IOException, InterruptedException {
        Path dom = work.resolve("dom.html");
        Process browser = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + work.resolve("profile"), "--dump-dom", page.toUri().toString())
                .redirectOutput(dom.toFile())
                .redirectError(work.resolve("chromium.log").toFile())
                .start();
        boolean exited = browser.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            browser.destroyForcibly();
        }
        assertThat(exited).as("chromium exited within 60 s").isTrue();
        assertThat(browser.exitValue()).as("chromium's exit status; it said: %s",
                Files.readString(work.resolve("chromium.log"))).isZero();
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
