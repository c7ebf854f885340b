package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import transferlab.contract.Requirement;
import transferlab.contract.SuiteScope;
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
 * <p>It adds tests the contract lacks, which belong in {@link UploadContract} itself; until they
 * move there they are here: content split by the network (catches a server that trusts one
 * {@code recv} to hold the whole content), and the core requirements U1, U2, U5 judged as seed 004
 * defines them, on the stored files, without our "ok" line (the contract's tests of them also
 * check extensions, so a core-only grading could not judge them).
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
        SuiteScope.assumeDirectoryVisible(server);
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

    /** U1, U2 as the seed has them, on the wire alone: a header in one write gets exactly "go ahead". */
    @Test
    @Requirement({"U1", "U2"})
    void seedHeaderInOneWriteGetsExactlyGoAhead() throws Exception {
        start(limits());
        uploadAsTheSeedClientDoes("seed-header.bin", randomBytes(5_000, 22));
    }

    /** U3 as the seed has it: the content a seed client sends is stored whole. */
    @Test
    @Requirement("U3")
    void seedUploadIsStoredWhole() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] content = randomBytes(50_000, 23);
        uploadAsTheSeedClientDoes("seed-upload.bin", content);
        awaitStored("seed-upload.bin", content);
    }

    /**
     * U3: the server stops reading at {@code size} bytes: the file is stored while the client still
     * holds the connection open (a server that reads until the client closes never stores it).
     */
    @Test
    @Requirement("U3")
    void contentIsStoredOnceSizeBytesArrivedWhileTheClientStaysConnected() throws Exception {
        start(limits());
        SuiteScope.assumeDirectoryVisible(server);
        byte[] content = randomBytes(30_000, 24);
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, "kept-open.bin"));
            assertThat(client.readAnswer()).isEqualTo("go ahead");
            client.send(content);
            awaitStored("kept-open.bin", content); // the connection is still open here
        }
    }

    /**
     * U5: clients that close right after their content, one after another, are all served (each
     * gets "go ahead"), and, where the suite can see the directory, all have their files.
     */
    @Test
    @Requirement("U5")
    void seedClientsThatCloseAfterTheContentAreServedOneAfterAnother() throws Exception {
        start(limits());
        for (int i = 0; i < 3; i++) {
            byte[] content = randomBytes(20_000 + i, 30 + i);
            uploadAsTheSeedClientDoes("seed-" + i + ".bin", content);
            if (server.directory().isPresent()) {
                awaitStored("seed-" + i + ".bin", content);
            }
        }
    }

    /** One write of the header, exactly "go ahead" back, the content, close without reading more. */
    private void uploadAsTheSeedClientDoes(String name, byte[] content) throws Exception {
        try (RawUploadClient client = connect()) {
            client.send(RawUploadClient.header(content.length, name));
            assertThat(client.readBytes(8)).as("the server's answer to the header of %s", name)
                    .asString(java.nio.charset.StandardCharsets.US_ASCII).isEqualTo("go ahead");
            client.send(content);
        }
    }

    private void awaitStored(String name, byte[] content) {
        await().atMost(SuiteTimeouts.scaled(PROMPTLY)).untilAsserted(() ->
                assertThat(directory.resolve(name)).as("%s as stored (%d bytes sent)", name, content.length)
                        .exists().hasBinaryContent(content));
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
