package transferlab.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.testkit.HeadlessChromium;

/**
 * {@code ./transfer demo 3 --plot speedup.svg} draws a picture a browser shows (issue 19, item 8):
 * headless Chromium opens the SVG file as a lecturer would, and a page around it reports what the
 * browser laid out: an SVG document (not a parse error), every text inside the picture and apart
 * from the others, no point or time under the legend, the ticks, and the points where the times put
 * them; for a table as measured on a quiet machine and for one from a loaded machine, where the
 * times stop falling. Skipped, saying so, only where Chromium is not installed (.ci/run installs
 * Debian's chromium).
 */
class SpeedupPlotTest {
    /** The table of a run (resources/performance.md): 1, 4 and 16 connections, 1 and 4 blocks each. */
    private static final List<SpeedupPlot.Run> RUNS = List.of(new SpeedupPlot.Run(1, 1, 8.01),
            new SpeedupPlot.Run(4, 4, 2.44), new SpeedupPlot.Run(4, 16, 2.20), new SpeedupPlot.Run(16, 16, 0.97),
            new SpeedupPlot.Run(16, 64, 0.73));
    /** The same on a machine busy with other builds (load 16 on 2 cores): 16 connections gain little. */
    private static final List<SpeedupPlot.Run> LOADED_RUNS = List.of(new SpeedupPlot.Run(1, 1, 8.64),
            new SpeedupPlot.Run(4, 4, 4.11), new SpeedupPlot.Run(4, 16, 4.02), new SpeedupPlot.Run(16, 16, 3.35),
            new SpeedupPlot.Run(16, 64, 4.17));

    /**
     * Reads each picture as the browser laid it out, into the page's {@code <pre id="verdict">}:
     * one line per finding, each starting with its frame's name.
     */
    private static final String PAGE = """
            <!DOCTYPE html>
            <html><body style="margin:0">
            <iframe id="quiet" src="quiet.svg" width="900" height="600" style="border:0"></iframe>
            <iframe id="loaded" src="loaded.svg" width="900" height="600" style="border:0"></iframe>
            <pre id="verdict"></pre>
            <script>
            window.addEventListener('load', () => {
              const out = [];
              for (const frame of document.querySelectorAll('iframe')) {
                const doc = frame.contentDocument;
                const say = line => out.push(frame.id + ': ' + line);
                say('root ' + doc.documentElement.localName);
                const texts = [...doc.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()]);
                for (const [text, box] of texts) {
                  say('text ' + text);
                  if (box.left < 0 || box.top < 0 || box.right > 900 || box.bottom > 600) say('outside ' + text);
                }
                for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
                  const [a, b] = [texts[i][1], texts[j][1]];
                  if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
                    say('overlap ' + texts[i][0] + ' | ' + texts[j][0]);
                }
                const legend = doc.querySelector('rect.legend').getBoundingClientRect();
                for (const e of doc.querySelectorAll('.point, text.value')) {
                  const b = e.getBoundingClientRect();
                  if (b.left < legend.right && legend.left < b.right && b.top < legend.bottom && legend.top < b.bottom)
                    say('under the legend ' + e.textContent);
                }
                for (const t of doc.querySelectorAll('text.legend')) {
                  const b = t.getBoundingClientRect();
                  if (b.left < legend.left || b.right > legend.right || b.top < legend.top || b.bottom > legend.bottom)
                    say('outside the legend ' + t.textContent);
                }
                for (const p of doc.querySelectorAll('.point')) {
                  const box = p.getBoundingClientRect();
                  say('point ' + p.dataset.connections + '/' + p.dataset.blocks + ' at ' + Math.round(box.left
                      + box.width / 2) + ',' + Math.round(box.top + box.height / 2));
                }
              }
              document.getElementById('verdict').textContent = out.join('\\n');
            });
            </script>
            </body></html>
            """;

    @TempDir
    Path work;

    @Test
    void theSummaryComparesTheFastestRunAtMostConnectionsWithOneConnection() {
        assertThat(SpeedupPlot.summary(RUNS)).isEqualTo("16 connections: 11.0x faster than 1 (with 64 blocks); "
                + "ideal 16x");
        assertThat(SpeedupPlot.summary(List.of(new SpeedupPlot.Run(1, 1, 8), new SpeedupPlot.Run(16, 16, 1))))
                .isEqualTo("16 connections: 8.0x faster than 1; ideal 16x");
    }

    @Test
    void theSpeedupPictureRendersInAHeadlessBrowserWithEverythingReadable() throws Exception {
        Optional<String> chromium = HeadlessChromium.find();
        assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install chromium): the speedup "
                + "picture is not checked in a browser here");
        String title = "256 MiB over N connections, each held to 32 MiB/s";
        SpeedupPlot.write(work.resolve("quiet.svg"), title, RUNS);
        SpeedupPlot.write(work.resolve("loaded.svg"), title, LOADED_RUNS);
        Files.writeString(work.resolve("page.html"), PAGE);

        String verdict = verdict(HeadlessChromium.dumpDom(chromium.get(), work.resolve("page.html"), work,
                "--allow-file-access-from-files")); // the page reads the picture's document in its frame

        assertThat(verdict).as("what Chromium laid out").contains("quiet: root svg\n", "loaded: root svg\n")
                .contains("quiet: text " + title, "quiet: text measured: 1 block each",
                        "quiet: text measured: 4 blocks each", "quiet: text ideal: 8.01 s / N",
                        "quiet: text connections (N), each held to the same rate",
                        "quiet: text time to download and check the MD5", "quiet: text 8.01 s", "quiet: text 0.73 s")
                .contains("quiet: text 1\n", "quiet: text 2\n", "quiet: text 4\n", "quiet: text 8\n",
                        "quiet: text 16\n", "quiet: text 0.5 s\n", "quiet: text 8 s\n")
                .contains("loaded: text 4.11 s\n", "loaded: text 4.02 s\n", "loaded: text 3.35 s\n",
                        "loaded: text 4.17 s\n", "loaded: text ideal: 8.64 s / N")
                .doesNotContain("outside ", "overlap ", "under the legend ");
        // Where the points are: left to right by connections, lower (larger y) the shorter the time.
        assertThat(point(verdict, "quiet", "1/1")[0]).isLessThan(point(verdict, "quiet", "4/4")[0]);
        assertThat(point(verdict, "quiet", "4/4")[0]).isEqualTo(point(verdict, "quiet", "4/16")[0])
                .isLessThan(point(verdict, "quiet", "16/16")[0]);
        assertThat(point(verdict, "quiet", "1/1")[1]).isLessThan(point(verdict, "quiet", "4/4")[1]);
        assertThat(point(verdict, "quiet", "4/4")[1]).isLessThan(point(verdict, "quiet", "4/16")[1])
                .isLessThan(point(verdict, "quiet", "16/16")[1]);
        assertThat(point(verdict, "quiet", "16/16")[1]).isLessThan(point(verdict, "quiet", "16/64")[1]);
        assertThat(point(verdict, "loaded", "16/64")[1]).as("4.17 s is drawn above 3.35 s")
                .isLessThan(point(verdict, "loaded", "16/16")[1]);
    }

    private static int[] point(String verdict, String frame, String run) {
        Matcher at = Pattern.compile(frame + ": point " + run + " at (\\d+),(\\d+)").matcher(verdict);
        assertThat(at.find()).as("the point of %s in %s", run, verdict).isTrue();
        return new int[] {Integer.parseInt(at.group(1)), Integer.parseInt(at.group(2))};
    }

    private static String verdict(String dom) {
        Matcher pre = Pattern.compile("<pre id=\"verdict\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        assertThat(pre.find()).as("the page's verdict in %s", dom).isTrue();
        return pre.group(1) + "\n";
    }
}
