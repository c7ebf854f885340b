package transferlab.upload;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;
import transferlab.cli.CommandRunner;
import transferlab.server.IterativeServer;
import transferlab.server.ServerLog;

/** {@code ./transfer upload}'s exit codes, against a real server on loopback. */
@Isolated // swaps System.out: runs alone when test classes run in parallel (the student-tree proof)
class UploadCommandTest {
    @TempDir
    Path temp;
    private IterativeServer server;

    @AfterEach
    void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private String startServer(UploadLimits limits) throws IOException {
        server = IterativeServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                UploadHandler.into(temp.resolve("received"), limits, ServerLog.silent()), ServerLog.silent());
        server.serveInBackground("upload-command-test-server");
        return "127.0.0.1:" + server.address().getPort();
    }

    @Test
    void storedAndVerifiedExitsZero() throws Exception {
        String address = startServer(UploadLimits.defaults());
        Path file = Files.writeString(temp.resolve("notes.txt"), "some notes\n");
        assertThat(CommandRunner.run(new UploadCommand(), address, file.toString())).isEqualTo(CommandRunner.OK);
        assertThat(CommandRunner.run(new UploadCommand(), address, file.toString(), "--as", "copy.txt"))
                .isEqualTo(CommandRunner.OK);
        assertThat(temp.resolve("received/notes.txt")).hasContent("some notes\n");
        assertThat(temp.resolve("received/copy.txt")).hasContent("some notes\n");
    }

    @Test
    void refusedByTheServerExitsOne() throws Exception {
        String address = startServer(UploadLimits.defaults().withMaxContentBytes(10));
        Path file = Files.write(temp.resolve("big.bin"), new byte[100]);
        assertThat(CommandRunner.run(new UploadCommand(), address, file.toString())).isEqualTo(CommandRunner.FAILED);
        assertThat(temp.resolve("received/big.bin")).doesNotExist();
    }

    @Test
    void refusedAfterTheContentExitsOne() throws Exception {
        String address = startServer(UploadLimits.defaults());
        Files.createDirectories(temp.resolve("received/taken/inside")); // a directory the file cannot replace
        Path file = Files.writeString(temp.resolve("taken"), "content");
        assertThat(CommandRunner.run(new UploadCommand(), address, file.toString())).isEqualTo(CommandRunner.FAILED);
        assertThat(temp.resolve("received/taken")).isDirectory();
    }

    @Test
    void noServerListeningExitsOne() throws Exception {
        int freePort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort();
        }
        Path file = Files.writeString(temp.resolve("notes.txt"), "x");
        assertThat(CommandRunner.run(new UploadCommand(), "127.0.0.1:" + freePort, file.toString()))
                .isEqualTo(CommandRunner.FAILED);
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        String address = startServer(UploadLimits.defaults());
        Path file = Files.writeString(temp.resolve("notes.txt"), "x");
        assertThat(CommandRunner.run(new UploadCommand(), address, temp.resolve("missing.txt").toString()))
                .as("missing file").isEqualTo(CommandRunner.USAGE);
        assertThat(CommandRunner.run(new UploadCommand(), address, temp.toString()))
                .as("a directory").isEqualTo(CommandRunner.USAGE);
        assertThat(CommandRunner.run(new UploadCommand(), "no-port", file.toString()))
                .as("bad HOST:PORT").isEqualTo(CommandRunner.USAGE);
        assertThat(CommandRunner.run(new UploadCommand(), address, file.toString(), "--as", "../x"))
                .as("bad --as").isEqualTo(CommandRunner.USAGE);
        assertThat(CommandRunner.run(new UploadCommand())).as("no arguments").isEqualTo(CommandRunner.USAGE);
        assertThat(Files.list(temp.resolve("received"))).as("nothing was sent").isEmpty();
    }

    /** Seed 004's server never sends "ok": the upload is stored, but our client cannot verify it. */
    @Test
    void serverThatClosesWithoutAnOkLineExitsZeroAndSaysNotVerified() throws Exception {
        byte[] content = "from a seed server's point of view\n".getBytes(US_ASCII);
        Path file = Files.write(temp.resolve("seed.txt"), content);
        try (ServerSocket seedServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> received = new CompletableFuture<>();
            new Thread(() -> received.complete(serveLikeSeed004(seedServer, 8 + "seed.txt".length())),
                    "seed-004-server").start();
            PrintStream originalOut = System.out;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int exit;
            try {
                System.setOut(new PrintStream(printed, true, UTF_8));
                exit = CommandRunner.run(new UploadCommand(), "127.0.0.1:" + seedServer.getLocalPort(),
                        file.toString());
            } finally {
                System.setOut(originalOut);
            }
            assertThat(exit).isEqualTo(CommandRunner.OK);
            assertThat(printed.toString(UTF_8)).contains("not verified");
            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(content);
        }
    }

    /** Seed 004's server: read the header, answer "go ahead", read exactly size bytes, close. */
    private static byte[] serveLikeSeed004(ServerSocket listener, int headerBytes) {
        try (Socket client = listener.accept()) {
            InputStream in = client.getInputStream();
            byte[] header = in.readNBytes(headerBytes);
            long size = ByteBuffer.wrap(header).getLong();
            client.getOutputStream().write("go ahead".getBytes(US_ASCII));
            return in.readNBytes((int) size);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
