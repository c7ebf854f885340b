package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import transferlab.testkit.PythonPrograms;
import transferlab.testkit.RawFtClient;

/**
 * Issue 10: a failed F, D or R test shows the test's own actions with times, beside the server's
 * lines, as U's did already. The raw clients of F and D tell a sink what they send and read; the
 * ranged contract notes its raw requests and block fetches. D and R are shown through the grader
 * on a known-bad server (tests/python/mutants), F on the raw client itself.
 */
class RawClientTimelinesTest {
    @ParameterizedTest(name = "{0} fails {1} with the test's own notes")
    @CsvSource({
            "update_never_removes.py, UPDATE, D9, afterAnAckTheNextQueuedFile.*, '{port} {dir} {idle-timeout}', "
                    + "read a frame",
            "ranged_off_by_one_block.py, RANGED, R4, aRawClientGetsExactlyEachBlock, '{port} {dir}', "
                    + "sent POST raw.bin"})
    void aFailedTestsTimelineHoldsItsOwnActions(String mutant, Protocol protocol, String requirement, String tests,
                                                String arguments, String note) {
        PythonPrograms.assumePython();
        String command = PythonPrograms.interpreter() + " " + PythonPrograms.mutant(mutant) + " " + arguments;

        CheckResult result = SuiteRunner.run(new CheckPlan(protocol, CheckPlan.TargetSpec.serverCommand(command), true,
                1, PointsTable.defaults(), Set.of(requirement)).withTests(tests));

        List<TimelineEvent> timeline = result.verdict(requirement).orElseThrow().failures().get(0).timeline();
        assertThat(timeline).as("the report:%n%s", MutantsAreCaughtTest.report(result))
                .anyMatch(event -> event.source().equals("test") && event.text().contains(note));
    }

    @Test
    void theFtRawClientTellsWhatItSentAndWhatCameBack() throws Exception {
        List<String> notes = new CopyOnWriteArrayList<>();
        try (ServerSocket refusing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket client = refusing.accept()) {
                    RawFtClient.readLine(client.getInputStream());
                    OutputStream out = client.getOutputStream();
                    out.write("ERROR no-such-file: x\n".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            new RawFtClient(Duration.ofSeconds(10), notes::add)
                    .exchange(new InetSocketAddress("127.0.0.1", refusing.getLocalPort()), "GET x {port}\n");
            server.get();
        }
        assertThat(notes).anyMatch(note -> note.contains("sending") && note.contains("'GET x "))
                .anyMatch(note -> note.equals("read the reply 'ERROR no-such-file: x'"))
                .anyMatch(note -> note.contains("no data connection came"));
    }
}
