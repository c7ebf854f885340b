package transferlab.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The grader's protocol F server (resources/protocols/ft.md, seed 003): reads {@code LIST <port>\n}
 * or {@code GET <name> <port>\n}, answers {@code OK <n>\n} and at once connects to the client's
 * data port at the control connection's own address and sends the n bytes; {@code ERROR <code>:
 * <detail>\n} otherwise. A client check's reference ({@link TrustedServer} says why not stage 1's).
 */
public final class TrustedFtServer extends TrustedServer {
    /** F12: a control line is at most 512 bytes. */
    static final int MAX_LINE_BYTES = 512;

    private final Path served;
    /** How many times each file was sent whole over a data connection: a client check judges by it. */
    private final Map<String, Integer> sentWhole = new ConcurrentHashMap<>();

    private TrustedFtServer(Path served, int port) throws IOException {
        super(served, "trusted-ft", port);
        this.served = served;
    }

    /** Serves the regular files directly in {@code served} on a free loopback port. */
    public static TrustedFtServer serving(Path served) throws IOException {
        return serving(served, 0);
    }

    /** The same, listening on {@code port} (0: any free one). */
    public static TrustedFtServer serving(Path served, int port) throws IOException {
        return new TrustedFtServer(served, port);
    }

    /** How many times this server has sent the file {@code name} whole over a data connection. */
    public int timesSent(String name) {
        return sentWhole.getOrDefault(name, 0);
    }

    @Override
    protected void serve(Socket control) throws IOException {
        OutputStream answer = control.getOutputStream();
        String line = readLine(control.getInputStream(), MAX_LINE_BYTES);
        String[] fields = line == null ? new String[0] : line.split(" ", -1);
        byte[] body;
        Path file = null;
        String name = null;
        if (fields.length == 2 && fields[0].equals("LIST")) {
            body = listing().getBytes(StandardCharsets.UTF_8);
        } else if (fields.length == 3 && fields[0].equals("GET")) {
            name = fields[1];
            file = served.resolve(isPlainName(name) ? name : ".");
            if (!isPlainName(name)) {
                refuse(answer, "bad-name: the name '" + PrintableText.of(name) + "' is not a plain file name");
                return;
            } else if (!Files.exists(file)) {
                refuse(answer, "no-such-file: " + name);
                return;
            } else if (!Files.isRegularFile(file)) {
                refuse(answer, "not-a-file: " + name + " is a directory or another non-regular file");
                return;
            }
            body = null;
        } else {
            refuse(answer, "bad-command: expected LIST <port> or GET <name> <port>");
            return;
        }
        String port = fields[fields.length - 1];
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            refuse(answer, "bad-port: '" + PrintableText.of(port) + "' is not a data port (1 to 65535)");
            return;
        }
        long size = body != null ? body.length : Files.size(file);
        answer.write(("OK " + size + "\n").getBytes(StandardCharsets.US_ASCII));
        answer.flush();
        try (Socket data = new Socket(control.getInetAddress(), Integer.parseInt(port))) {
            OutputStream out = data.getOutputStream();
            if (body != null) {
                out.write(body);
            } else {
                Files.copy(file, out);
                sentWhole.merge(name, 1, Integer::sum);
            }
        }
    }

    private String listing() throws IOException {
        try (Stream<Path> entries = Files.list(served)) {
            return entries.filter(Files::isRegularFile).map(path -> path.getFileName().toString())
                    .filter(TrustedServer::isPlainName).sorted().map(name -> name + "\n")
                    .reduce("", String::concat);
        }
    }

    private static void refuse(OutputStream answer, String reason) throws IOException {
        answer.write(("ERROR " + reason + "\n").getBytes(StandardCharsets.UTF_8));
        answer.flush();
    }
}
