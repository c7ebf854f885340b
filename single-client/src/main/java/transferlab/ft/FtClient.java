package transferlab.ft;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import transferlab.progress.TransferProgress;
import transferlab.storage.BadNameException;
import transferlab.storage.IncomingFile;
import transferlab.storage.PlainFileName;

/**
 * The client of protocol F (seed 003): lists a server's files, or fetches one, over two connections.
 *
 * <ol>
 *   <li>connect to the server's control port;</li>
 *   <li>listen on the data port, <em>before</em> sending anything, so that the server's connection
 *       can never arrive before somebody listens (port 0: any free port);</li>
 *   <li>send {@code LIST <data-port>\n} or {@code GET <name> <data-port>\n} with the real port;</li>
 *   <li>read the answer: {@code OK <n>\n}, or {@code ERROR <reason>\n} and stop;</li>
 *   <li>accept the server's data connection, only from the server's own address;</li>
 *   <li>read exactly n bytes and then the end of stream;</li>
 *   <li>GET: the bytes went into a hidden temporary file, which only now becomes NAME, and only if
 *       no file of that name exists: a local file is never overwritten.</li>
 * </ol>
 * Every wait (connect, reply, accept, each read) is bounded by one timeout.
 * {@link FtClientCommand} is the command line around it.
 */
public final class FtClient {
    /** A listing longer than this is refused: a list of names is small, a huge one is a broken server. */
    public static final long MAX_LIST_BYTES = 16L << 20;
    private static final int BUFFER_BYTES = 1 << 20;

    private final Duration timeout;
    private final PrintStream out;

    /**
     * @param timeout the longest any single step may wait
     * @param out     where seed 003's messages and the listing go
     */
    public FtClient(Duration timeout, PrintStream out) {
        this.timeout = timeout;
        this.out = out;
    }

    /**
     * Asks for the list of files, prints one name per line (control characters escaped: a name is the
     * server's text, and must not steer our terminal), and returns the names as sent.
     */
    public List<String> list(String host, int port, int dataPort) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        transfer(host, port, FtRequest.list(dataPort), MAX_LIST_BYTES, Channels.newChannel(body), null);
        String text = body.toString(StandardCharsets.UTF_8);
        List<String> names = text.isEmpty() ? List.of() : List.of(text.split("\n"));
        names.forEach(name -> out.println(PlainFileName.printable(name)));
        return names;
    }

    /**
     * Fetches the file {@code name} into {@code directory} and returns where it was stored.
     *
     * @throws FtFailedException if a file of that name already exists there (checked before the
     *                                request, so no transfer is wasted, and again atomically when the
     *                                file is moved into place), or if the transfer failed; nothing
     *                                is left behind either way
     */
    public Path get(String host, int port, String name, int dataPort, Path directory) throws IOException {
        try {
            PlainFileName.check(name);
        } catch (BadNameException e) {
            throw new IllegalArgumentException("cannot save as '" + PlainFileName.printable(name) + "': "
                    + e.getMessage(), e);
        }
        Path target = directory.resolve(name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FtFailedException(target
                    + " already exists; not overwriting it (move it away or use --dir)");
        }
        try (IncomingFile file = IncomingFile.create(target)) {
            transfer(host, port, FtRequest.get(name, dataPort), Long.MAX_VALUE, file.channel(), name);
            try {
                file.commitWithoutOverwriting();
            } catch (FileAlreadyExistsException e) {
                throw new FtFailedException(target
                        + " appeared during the transfer; kept it and discarded the download");
            }
        }
        out.println("Transfer complete.");
        return target;
    }

    /** One request: control connection, data listener, command, answer, data. */
    private void transfer(String host, int port, FtRequest request, long maxBytes, WritableByteChannel sink,
                          String progressLabel) throws IOException {
        int timeoutMillis = (int) Math.max(1, timeout.toMillis());
        try (Socket control = new Socket()) {
            connect(control, host, port, timeoutMillis);
            control.setSoTimeout(timeoutMillis);
            out.println("Connected to " + host + " on port " + port + "...");

            try (ServerSocket dataListener = listen(control.getLocalAddress(), request.dataPort())) {
                OutputStream commands = control.getOutputStream();
                commands.write(request.withDataPort(dataListener.getLocalPort()).encode());
                commands.flush();

                long size = readAnswer(control.getInputStream(), maxBytes);

                try (Socket data = acceptFromServer(dataListener, control.getInetAddress())) {
                    data.setSoTimeout(timeoutMillis);
                    out.println("Data transfer initiated on ('" + data.getInetAddress().getHostAddress() + "', "
                            + data.getPort() + ")...");
                    try (TransferProgress progress = progressLabel == null
                            ? TransferProgress.hidden() : TransferProgress.onTerminal(progressLabel, size)) {
                        receiveExactly(data.getInputStream(), size, sink, progress);
                    }
                }
            }
        }
    }

    private static void connect(Socket control, String host, int port, int timeoutMillis) throws IOException {
        try {
            control.connect(new InetSocketAddress(host, port), timeoutMillis);
        } catch (UnknownHostException e) {
            throw new FtFailedException("unknown host '" + host + "'");
        } catch (IOException e) {
            throw new FtFailedException("cannot connect to " + host + " on port " + port + ": " + e.getMessage(),
                    e);
        }
    }

    /** Listens on the address the server reached us at, so the data port is open only there. */
    private ServerSocket listen(InetAddress localAddress, int dataPort) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(new InetSocketAddress(localAddress, dataPort));
            listener.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            return listener;
        } catch (BindException e) {
            listener.close();
            throw new FtFailedException("cannot listen on data port " + dataPort + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code OK <n>} and returns n; an {@code ERROR} line, or anything else, ends the request. */
    private long readAnswer(InputStream control, long maxBytes) throws IOException {
        String line;
        try {
            line = readLine(control);
        } catch (SocketTimeoutException e) {
            throw new FtFailedException("the server did not answer within " + timeout.toMillis() + " ms");
        }
        if (line.startsWith(FtProtocol.ERROR_PREFIX)) {
            throw new FtFailedException("server says: " + PlainFileName.printable(line));
        }
        if (!line.startsWith(FtProtocol.OK_PREFIX)) {
            throw new FtFailedException(line.isEmpty()
                    ? "the server closed the control connection without an answer"
                    : "the server answered '" + PlainFileName.printable(line)
                            + "' instead of 'OK <n>' or 'ERROR <reason>'");
        }
        String count = line.substring(FtProtocol.OK_PREFIX.length());
        long size;
        try {
            size = Long.parseLong(count);
        } catch (NumberFormatException e) {
            throw new FtFailedException("the server announced '" + PlainFileName.printable(count)
                    + "' bytes, which is not a number");
        }
        if (size < 0 || size > maxBytes) {
            throw new FtFailedException("the server announced " + size + " bytes; expected 0 to " + maxBytes);
        }
        return size;
    }

    /**
     * Accepts the data connection. A connection from any other address than the server's is closed
     * and ignored: only the server we asked may deliver the data.
     */
    private Socket acceptFromServer(ServerSocket dataListener, InetAddress server) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            dataListener.setSoTimeout((int) Math.max(1, left / 1_000_000));
            Socket data;
            try {
                data = dataListener.accept();
            } catch (SocketTimeoutException e) {
                break;
            }
            if (data.getInetAddress().equals(server)) {
                return data;
            }
            System.err.println("ftclient: ignored a data connection from " + data.getInetAddress().getHostAddress()
                    + ", which is not the server " + server.getHostAddress());
            data.close();
        }
        throw new FtFailedException("the server did not connect to data port " + dataListener.getLocalPort()
                + " within " + timeout.toMillis() + " ms");
    }

    /** Copies exactly {@code size} bytes into {@code sink}, then expects the end of the stream. */
    private void receiveExactly(InputStream data, long size, WritableByteChannel sink, TransferProgress progress)
            throws IOException {
        byte[] buffer = new byte[(int) Math.min(BUFFER_BYTES, Math.max(size, 1))];
        long received = 0;
        try {
            while (received < size) {
                int n = data.read(buffer, 0, (int) Math.min(buffer.length, size - received));
                if (n < 0) {
                    throw new FtFailedException("the data connection closed after " + received + " of the "
                            + size + " bytes announced");
                }
                ByteBuffer piece = ByteBuffer.wrap(buffer, 0, n);
                while (piece.hasRemaining()) {
                    sink.write(piece);
                }
                received += n;
                progress.advance(n);
            }
            if (data.read() >= 0) {
                throw new FtFailedException("the server sent more than the " + size + " bytes it announced");
            }
        } catch (SocketTimeoutException e) {
            throw new FtFailedException("the server sent nothing for " + timeout.toMillis() + " ms (got "
                    + received + " of " + size + " bytes)");
        }
    }

    /** Reads up to a newline or the end of the stream, at most {@link FtProtocol#MAX_REPLY_LINE_BYTES} bytes. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; line.size() < FtProtocol.MAX_REPLY_LINE_BYTES && (b = in.read()) >= 0 && b != '\n'; ) {
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
