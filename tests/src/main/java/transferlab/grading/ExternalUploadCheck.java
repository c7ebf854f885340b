package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import transferlab.contract.Requirement;
import transferlab.contract.SuiteTimeouts;
import transferlab.contract.TcpProxy;
import transferlab.contract.upload.RawUploadClient;
import transferlab.contract.upload.UploadContract;
import transferlab.contract.upload.UploadServerFactory;
import transferlab.upload.UploadLimits;

/**
 * The protocol U contract, run by {@code ./transfer check upload} against the target the runner
 * set ({@link CheckTarget}): a server started from {@code --server-cmd} for each test, or the one
 * at {@code --target}. The limits a test chooses reach a server command through the placeholders
 * {@code {max-size}} (bytes), {@code {idle-timeout}}, {@code {deadline}} and {@code {header-settle}}
 * (seconds, e.g. 0.4).
 *
 * <p>It adds one test the contract lacks (content split by the network), which belongs in
 * {@link UploadContract} itself; until it moves there it is here, so that grading catches a server
 * that assumes one {@code recv} holds the whole content.
 */
public final class ExternalUploadCheck extends UploadContract {
    public ExternalUploadCheck() {
        super(new UploadServerFactory("graded server", CheckTarget.current().concurrent(),
                (directory, limits) -> CheckTarget.current().startServer(directory, placeholders(limits))));
    }

    /**
     * Content that arrives in many small pieces, as over a slow network, is stored whole: a server
     * must loop until it has {@code size} bytes, not trust one read. Judged on the stored file, so
     * a seed server that sends no "ok" passes too (the client closes after the content, as seed
     * 004's does).
     */
    @Test
    @Requirement("U3")
    void contentSplitIntoSmallPiecesByTheNetworkIsStoredWhole() throws Exception {
        start(limits());
        byte[] content = randomBytes(32 * 1024, 21);
        try (TcpProxy proxy = TcpProxy.start(server.address(),
                TcpProxy.Faults.none().splitInto(2048, Duration.ofMillis(1)))) {
            try (RawUploadClient client = RawUploadClient.connect(proxy.address())) {
                client.send(RawUploadClient.header(content.length, "pieces.bin"));
                assertThat(client.readAnswer()).isEqualTo("go ahead");
                client.send(content);
                client.finishSending();
                await().atMost(SuiteTimeouts.scaled(PROMPTLY)).untilAsserted(() ->
                        assertThat(directory.resolve("pieces.bin")).as("the stored file").exists());
                await().atMost(SuiteTimeouts.scaled(PROMPTLY)).untilAsserted(() ->
                        assertThat(Files.size(directory.resolve("pieces.bin"))).as("bytes stored of %d sent in "
                                + "pieces of 2048", content.length).isEqualTo(content.length));
            }
        }
        assertThat(directory.resolve("pieces.bin")).hasBinaryContent(content);
    }

    static Map<String, String> placeholders(UploadLimits limits) {
        return Map.of("max-size", Long.toString(limits.maxContentBytes()),
                "idle-timeout", seconds(limits.idleTimeout()),
                "deadline", seconds(limits.transferDeadline()),
                "header-settle", seconds(limits.headerSettle()));
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
    }
}
