package transferlab.ft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import transferlab.deadline.Deadline;
import transferlab.deadline.DeadlinePassedException;
import transferlab.server.ConnectionHandler;
import transferlab.server.ServerLog;
import transferlab.storage.BadNameException;
import transferlab.storage.ServedDirectory;

/**
 * The server side of protocol F (two connections, seed 003) for one control connection, with
 * blocking I/O. Stage 1 runs it from an {@link transferlab.server.IterativeServer}; stage 2 can run
 * this same object on many threads at once, since it keeps no state between connections.
 *
 * <p>The steps (resources/protocols/ft.md):
 * <ol>
 *   <li>read one control line, {@code LIST <data-port>\n} or {@code GET <name> <data-port>\n}, at
 *       most {@link FtLimits#maxCommandLineBytes()} bytes, each read waiting at most the idle
 *       timeout;</li>
 *   <li>check it: a bad command, port or name, a missing file or a directory is answered with
 *       {@code ERROR <code>: <detail>\n}, and nothing else happens;</li>
 *   <li>answer {@code OK <n>\n}, n being the byte count of what follows;</li>
 *   <li>connect to the control connection's own peer address, never any other, at the data port,
 *       send exactly n bytes, close the data connection.</li>
 * </ol>
 * The whole request must finish within the transfer deadline. The server closes the control
 * connection after this method returns.
 */
public final class FtHandler implements ConnectionHandler {
    private final ServedDirectory directory;
    private final FtLimits limits;
    private final ServerLog log;

    public FtHandler(ServedDirectory directory, FtLimits limits, ServerLog log) {
        this.directory = directory;
        this.limits = limits;
        this.log = log;
    }

    /** Convenience for the command line: serve the files in {@code directory}. */
    public static FtHandler serving(Path directory, FtLimits limits, ServerLog log) throws IOException {
        return new FtHandler(new ServedDirectory(directory), limits, log);
    }

    @Override
    public void handle(Socket connection) throws IOException {
        SocketAddress peer = connection.getRemoteSocketAddress();
        Deadline deadline = Deadline.start(System.nanoTime(), limits.idleTimeout(), limits.transferDeadline());
        OutputStream control = connection.getOutputStream();
        FtRequest request;
        try {
            request = FtRequest.parse(readCommandLine(connection, connection.getInputStream(), deadline));
        } catch (FtRefusal refusal) {
            refuse(connection, peer, refusal);
            return;
        }
        // The data connection goes back to the address this control connection came from, and
        // nowhere else: otherwise anybody could make the server send files to a third host.
        InetSocketAddress dataAddress = new InetSocketAddress(connection.getInetAddress(), request.dataPort());
        try {
            if (request.command().equals(FtProtocol.LIST)) {
                sendList(control, peer, dataAddress, deadline);
            } else {
                sendFile(control, peer, request.name(), dataAddress, deadline);
            }
        } catch (FtRefusal refusal) {
            refuse(connection, peer, refusal);
        }
    }

    private void sendList(OutputStream control, SocketAddress peer, InetSocketAddress dataAddress, Deadline deadline)
            throws IOException {
        StringBuilder body = new StringBuilder();
        for (String name : directory.listFiles()) {
            body.append(name).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.UTF_8));
        long size = bytes.remaining();
        answerOk(control, size);
        long started = System.nanoTime();
        try (DataConnection data = DataConnection.open(dataAddress, limits.connectTimeout(), deadline)) {
            data.send(bytes);
        } catch (IOException e) {
            log.event(peer, "LIST to data port " + dataAddress.getPort() + " failed: " + e.getMessage());
            return;
        }
        log.event(peer, "LIST: sent " + size + " bytes to data port " + dataAddress.getPort() + took(started));
    }

    private void sendFile(OutputStream control, SocketAddress peer, String name,
                          InetSocketAddress dataAddress, Deadline deadline) throws IOException, FtRefusal {
        Path file = resolveRegularFile(name);
        try (FileChannel content = open(file, name)) {
            // The size announced is the size now; a file that grows meanwhile is sent as it was.
            long size = content.size();
            answerOk(control, size);
            long started = System.nanoTime();
            try (DataConnection data = DataConnection.open(dataAddress, limits.connectTimeout(), deadline)) {
                data.send(content, size);
            } catch (IOException e) {
                log.event(peer, "GET " + FtRequest.quoted(name) + " to data port " + dataAddress.getPort()
                        + " failed: " + e.getMessage());
                return;
            }
            log.event(peer, "GET " + FtRequest.quoted(name) + ": sent " + size + " bytes to data port "
                    + dataAddress.getPort() + took(started));
        }
    }

    /** The file called {@code name} in the served directory; only a plain name of an existing regular file passes. */
    private Path resolveRegularFile(String name) throws FtRefusal, IOException {
        Path file;
        try {
            file = directory.resolve(name);
        } catch (BadNameException e) {
            throw new FtRefusal("bad-name", e.getMessage());
        }
        if (!Files.exists(file)) {
            throw new FtRefusal("no-such-file", FtRequest.quoted(name));
        }
        if (!Files.isRegularFile(file)) {
            throw new FtRefusal("not-a-file", FtRequest.quoted(name)
                    + " is a directory or another non-regular file");
        }
        return file;
    }

    private static FileChannel open(Path file, String name) throws FtRefusal {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new FtRefusal("no-such-file", FtRequest.quoted(name)); // removed since the check above
        } catch (AccessDeniedException e) {
            throw new FtRefusal("unreadable", FtRequest.quoted(name) + ": permission denied");
        } catch (IOException e) {
            // The class, not the message: an IOException's message names the server's absolute path.
            throw new FtRefusal("unreadable",
                    FtRequest.quoted(name) + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Reads up to the first {@code \n}, at most {@link FtLimits#maxCommandLineBytes()} bytes. A
     * line may arrive in any number of pieces. Each read waits at most the idle timeout and never
     * past the deadline. Bytes after the newline are ignored: a client sends one line.
     */
    private String readCommandLine(Socket connection, InputStream in, Deadline deadline)
            throws IOException, FtRefusal {
        byte[] line = new byte[limits.maxCommandLineBytes()];
        int length = 0;
        while (true) {
            int n;
            try {
                n = deadline.read(connection, in, line, length, line.length - length);
            } catch (DeadlinePassedException e) {
                throw new FtRefusal("timeout", (e.passed() == Deadline.Passed.IDLE_TIMEOUT
                        ? "no command line within the idle timeout of " + limits.idleTimeout().toMillis() + " ms"
                        : "no complete command line within the deadline of " + limits.transferDeadline().toMillis()
                                + " ms") + " (got " + length + " bytes)");
            }
            if (n < 0) {
                throw new FtRefusal("bad-command", "the client ended its side after " + length
                        + " bytes, before the newline that ends a command");
            }
            for (int i = length; i < length + n; i++) {
                if (line[i] == '\n') {
                    return decode(line, i);
                }
            }
            length += n;
            if (length == line.length) {
                throw new FtRefusal("line-too-long", "no newline in the first " + line.length
                        + " bytes; a command line is at most " + line.length + " bytes");
            }
        }
    }

    static String decode(byte[] line, int length) throws FtRefusal {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FtRefusal("bad-command", "the command line is not valid UTF-8");
        }
    }

    private static void answerOk(OutputStream control, long size) throws IOException {
        control.write((FtProtocol.OK_PREFIX + size + "\n").getBytes(StandardCharsets.US_ASCII));
        control.flush();
    }

    /**
     * Sends the ERROR line and ends our side of the control connection, so the line and the end of
     * stream reach the client before the close (which may reset the connection if the client sent
     * more than we read).
     */
    private void refuse(Socket connection, SocketAddress peer, FtRefusal refusal) {
        log.event(peer, "refused: " + refusal.getMessage());
        try {
            OutputStream out = connection.getOutputStream();
            out.write(refusal.wireLine());
            out.flush();
            connection.shutdownOutput();
        } catch (IOException e) {
            // The client is gone already; there is nobody left to tell.
        }
    }

    private static String took(long startedNanos) {
        return " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos) + " ms";
    }
}
