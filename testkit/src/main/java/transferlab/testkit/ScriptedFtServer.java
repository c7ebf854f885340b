package transferlab.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A one-connection protocol F server that misbehaves on purpose, for testing clients with the faults
 * a real server never makes (too few or too many bytes, a file that appears meanwhile, a stranger on
 * the data port): it reads the command, connects to the data port at once (before it answers, which
 * only works if the client already listens: F20), and lets the test script the answer and the data.
 * Used by single-client's FtClientTest and by the grader's FtClientCheck (F23).
 *
 * <pre>
 *   try (ScriptedFtServer fake = ScriptedFtServer.start(Duration.ofSeconds(10), (command, control, data) -> {
 *       control.write("OK 1000\n".getBytes(US_ASCII));
 *       data.write(new byte[400]);            // then the data connection closes: cut short
 *   })) {
 *       // run the client against 127.0.0.1:fake.port()
 *   }
 * </pre>
 */
public final class ScriptedFtServer implements AutoCloseable {
    /** What the server does once the command is read and the data connection is open. */
    public interface Script {
        void play(String command, OutputStream control, OutputStream data) throws IOException;
    }

    private final ServerSocket listener;
    private final Duration timeout;
    private final Thread thread;
    private volatile String command;
    private volatile boolean strangerWasClosed;
    private volatile boolean played;
    private volatile Throwable failure;

    private ScriptedFtServer(ServerSocket listener, Duration timeout, Script script, InetAddress stranger) {
        this.listener = listener;
        this.timeout = timeout;
        this.thread = new Thread(() -> serveOne(script, stranger), "scripted-ftserver");
        thread.setDaemon(true);
        thread.start();
    }

    /** Listens on a free loopback port; every connect and read waits at most {@code timeout}. */
    public static ScriptedFtServer start(Duration timeout, Script script) throws IOException {
        return start(timeout, script, null);
    }

    /** With a {@code stranger} address, a first data connection comes from there before the real one. */
    public static ScriptedFtServer start(Duration timeout, Script script, InetAddress stranger) throws IOException {
        return new ScriptedFtServer(new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")), timeout, script,
                stranger);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The command line the client sent, with its newline; null before one came. */
    public String command() {
        return command;
    }

    /** Whether a client came, sent its command and took the data connection, so that the script ran. */
    public boolean played() {
        return played;
    }

    /** Whether the client closed the stranger's connection unread. */
    public boolean strangerWasClosed() {
        return strangerWasClosed;
    }

    private void serveOne(Script script, InetAddress stranger) {
        int millis = (int) timeout.toMillis();
        try (Socket control = listener.accept()) {
            control.setSoTimeout(millis);
            command = readLine(control.getInputStream());
            String[] fields = command.trim().split(" ");
            InetSocketAddress dataAddress = new InetSocketAddress(control.getInetAddress(),
                    Integer.parseInt(fields[fields.length - 1]));
            Socket intruder = null;
            if (stranger != null) { // queued first, so the client accepts it first and must hang up
                intruder = new Socket();
                intruder.bind(new InetSocketAddress(stranger, 0));
                intruder.connect(dataAddress, millis);
                intruder.setSoTimeout(millis);
            }
            try (Socket data = new Socket()) {
                data.connect(dataAddress, millis);
                played = true;
                script.play(command, control.getOutputStream(), data.getOutputStream());
            }
            if (intruder != null) {
                try (Socket closing = intruder) {
                    strangerWasClosed = closing.getInputStream().read() < 0;
                }
            }
            // Wait for the client to hang up, so that it has read everything before we close.
            control.getInputStream().read();
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Stops listening and waits for the exchange to end; throws if the server itself failed. */
    @Override
    public void close() throws IOException {
        listener.close();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new AssertionError("the scripted ft server failed", failure);
        }
    }
}
