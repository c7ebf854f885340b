package transferlab.stagetwo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import transferlab.progress.TransferProgress;
import transferlab.server.NamedThreads;
import transferlab.upload.UploadClient;
import transferlab.upload.UploadLimits;
import transferlab.upload.UploadResult;
import transferlab.testkit.InProcessServer;
import transferlab.testkit.RawUploadClient;
import transferlab.testkit.TestFiles;

/**
 * What every stage 2 upload server must do with many clients at once, checked against the
 * thread-per-client server, the pool and the event loop alike: real loopback sockets, real bytes.
 */
class ConcurrentUploadTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
    private static final UploadLimits LIMITS = UploadLimits.defaults()
            .withHeaderSettle(Duration.ofMillis(20))
            .withIdleTimeout(Duration.ofSeconds(5));

    /** The 1,000 files of 64 KiB, each with its own content, written once for all three servers. */
    @TempDir
    static Path thousandFiles;
    private static final List<Path> THOUSAND = new ArrayList<>();
    /** SHA-256 of each source file by path: the 1,000 computed once from the bytes written, others on demand. */
    private static final Map<String, String> SOURCE_SHA256 = new HashMap<>();

    @TempDir
    Path received;
    @TempDir
    Path sources;

    @BeforeAll
    static void writeThousandFiles() throws Exception {
        for (int i = 0; i < 1_000; i++) {
            String name = "client-" + i + ".bin";
            byte[] content = TestFiles.randomBytes(64 * 1024, 1_000 + i);
            Path file = Files.write(thousandFiles.resolve(name), content);
            THOUSAND.add(file);
            SOURCE_SHA256.put(file.toString(), TestFiles.sha256(content));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StageTwoServer.class)
    void sixteenClientsAtOnceStoreEveryFileIntact(StageTwoServer kind) throws Exception {
        try (InProcessServer server = kind.start(received, LIMITS)) {
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                files.add(TestFiles.write(sources, "file-" + i + ".bin", 1 + i * 40_000, i));
            }
            uploadAllAtOnce(server.address(), files);
            assertEveryFileStoredIntact(files);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StageTwoServer.class)
    void thousandClientsAtOnceStoreEveryFileIntact(StageTwoServer kind) throws Exception {
        // A short settle window: the pool's 32 workers each wait it out once per client (31 rounds).
        // All from 127.0.0.1, so the limit per address must allow them all too.
        UploadLimits limits = LIMITS.withMaxConnections(2_000).withMaxPerAddress(2_000)
                .withHeaderSettle(Duration.ofMillis(5));
        try (InProcessServer server = kind.start(received, limits)) {
            uploadAllAtOnce(server.address(), THOUSAND);
            assertEveryFileStoredIntact(THOUSAND);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.held() == 0);
        }
    }

    /** The lesson of stage 2 (seed 004): a client that stops after "go ahead" holds only itself. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(StageTwoServer.class)
    void clientPausedAfterGoAheadDoesNotHoldTheServer(StageTwoServer kind) throws Exception {
        try (InProcessServer server = kind.start(received, LIMITS)) {
            byte[] slowContent = TestFiles.randomBytes(100_000, 1);
            try (RawUploadClient slow = RawUploadClient.connect(server.address())) {
                slow.send(RawUploadClient.header(slowContent.length, "slow.bin"));
                assertThat(slow.readAnswer()).isEqualTo("go ahead");
                slow.send(Arrays.copyOf(slowContent, 50_000)); // ...and then it pauses

                Path quick = TestFiles.write(sources, "quick.bin", 200_000, 2);
                UploadResult result = new UploadClient(CLIENT_TIMEOUT)
                        .upload(server.address(), quick, "quick.bin", TransferProgress.hidden());
                assertThat(result.verified()).isTrue();
                assertThat(TestFiles.sha256(received.resolve("quick.bin"))).isEqualTo(TestFiles.sha256(quick));
                assertThat(received.resolve("slow.bin")).doesNotExist();

                slow.send(Arrays.copyOfRange(slowContent, 50_000, slowContent.length));
                assertThat(slow.readLine()).isEqualTo("ok " + TestFiles.sha256(slowContent) + "\n");
            }
            assertThat(Files.readAllBytes(received.resolve("slow.bin"))).isEqualTo(slowContent);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StageTwoServer.class)
    void overMaxConnectionsIsRefusedBusyWhileTheRunningTransferFinishes(StageTwoServer kind) throws Exception {
        try (InProcessServer server = kind.start(received, LIMITS.withMaxConnections(1))) {
            byte[] content = TestFiles.randomBytes(80_000, 3);
            try (RawUploadClient running = RawUploadClient.connect(server.address())) {
                running.send(RawUploadClient.header(content.length, "running.bin"));
                assertThat(running.readAnswer()).isEqualTo("go ahead");
                running.send(Arrays.copyOf(content, 40_000));
                await().atMost(Duration.ofSeconds(5)).until(() -> server.held() == 1);

                try (RawUploadClient extra = RawUploadClient.connect(server.address())) {
                    extra.send(RawUploadClient.header(10, "extra.bin"));
                    assertThat(extra.readToEnd()).startsWith("error busy: ").endsWith("\n"); // then closed
                }

                running.send(Arrays.copyOfRange(content, 40_000, content.length));
                assertThat(running.readLine()).isEqualTo("ok " + TestFiles.sha256(content) + "\n");
            }
            assertThat(Files.readAllBytes(received.resolve("running.bin"))).isEqualTo(content);
            assertThat(received.resolve("extra.bin")).doesNotExist();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StageTwoServer.class)
    void silentClientIsClosedAfterTheIdleTimeoutAndItsThreadOrKeyFreed(StageTwoServer kind) throws Exception {
        try (InProcessServer server = kind.start(received, LIMITS.withIdleTimeout(Duration.ofMillis(300)))) {
            try (RawUploadClient silent = RawUploadClient.connect(server.address())) {
                await().atMost(Duration.ofSeconds(5)).until(() -> server.held() == 1);
                assertThat(silent.readToEnd()).startsWith("error timeout: no complete header within 300 ms");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.held() == 0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StageTwoServer.class)
    void clientSilentInTheMiddleOfTheContentIsClosedAndNothingIsKept(StageTwoServer kind) throws Exception {
        try (InProcessServer server = kind.start(received, LIMITS.withIdleTimeout(Duration.ofMillis(300)))) {
            try (RawUploadClient stalled = RawUploadClient.connect(server.address())) {
                stalled.send(RawUploadClient.header(10_000, "stalled.bin"));
                assertThat(stalled.readAnswer()).isEqualTo("go ahead");
                stalled.send(new byte[5_000]);
                assertThat(stalled.readToEnd())
                        .startsWith("error timeout: no content for 300 ms (5000 of 10000 bytes)");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.held() == 0);
            assertThat(TestFiles.everything(received)).isEmpty(); // not the file, not its temporary file
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StageTwoServer.class)
    void clientThatSendsHalfTheContentAndClosesLeavesNothing(StageTwoServer kind) throws Exception {
        try (InProcessServer server = kind.start(received, LIMITS)) {
            try (RawUploadClient cut = RawUploadClient.connect(server.address())) {
                cut.send(RawUploadClient.header(100_000, "cut.bin"));
                assertThat(cut.readAnswer()).isEqualTo("go ahead");
                cut.send(new byte[50_000]);
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> server.held() == 0 && TestFiles.everything(received).isEmpty());
            // ...and the server still serves the next client.
            Path next = TestFiles.write(sources, "next.bin", 1_000, 4);
            assertThat(new UploadClient(CLIENT_TIMEOUT).upload(server.address(), next, "next.bin",
                    TransferProgress.hidden()).verified()).isTrue();
            assertThat(TestFiles.everything(received)).containsExactly("next.bin");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StageTwoServer.class)
    void badNamesAreRefusedAndNothingIsWritten(StageTwoServer kind) throws Exception {
        try (InProcessServer server = kind.start(received, LIMITS)) {
            for (String bad : List.of("../escape.txt", "a/b.txt", ".hidden", "..", "back\\slash", "nul\0byte")) {
                try (RawUploadClient client = RawUploadClient.connect(server.address())) {
                    client.send(RawUploadClient.header(5, bad));
                    assertThat(client.readToEnd()).as(bad).startsWith("error bad-name: ");
                }
            }
            assertThat(TestFiles.everything(received)).isEmpty();
            assertThat(TestFiles.everything(received.getParent())).doesNotContain("escape.txt");
        }
    }

    private static void uploadAllAtOnce(InetSocketAddress server, List<Path> files) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(files.size(), NamedThreads.platform("upload-client-"));
        try {
            List<Future<UploadResult>> results = new ArrayList<>();
            for (Path file : files) {
                results.add(clients.submit(() -> new UploadClient(CLIENT_TIMEOUT)
                        .upload(server, file, file.getFileName().toString(), TransferProgress.hidden())));
            }
            for (Future<UploadResult> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS).verified()).isTrue();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private void assertEveryFileStoredIntact(List<Path> files) throws Exception {
        for (Path file : files) {
            String name = file.getFileName().toString();
            String expected = SOURCE_SHA256.containsKey(file.toString()) ? SOURCE_SHA256.get(file.toString())
                    : TestFiles.sha256(file);
            assertThat(TestFiles.sha256(received.resolve(name))).as(name).isEqualTo(expected);
        }
        assertThat(TestFiles.everything(received)).hasSize(files.size()); // no temporary files left
    }
}
