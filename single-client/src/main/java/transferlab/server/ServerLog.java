package transferlab.server;

import java.io.PrintStream;
import java.net.SocketAddress;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import transferlab.storage.PlainFileName;

/**
 * One line per event a server wants an operator to see: who (the peer) and what happened.
 * A bad client shows up here with the reason, and the server goes on. A reason often quotes what
 * the client sent, so every line has its control characters escaped: a client cannot steer the
 * operator's terminal, nor forge a line of the log.
 */
public final class ServerLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final Consumer<String> sink;

    public ServerLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** Lines go to {@code out}, each with the time of day. */
    public static ServerLog to(PrintStream out) {
        // Load the time zone data now, while descriptors are plentiful: when they run out, the first
        // LocalTime.now() cannot open it, and NoClassDefFoundError (ZoneInfoFile) would end the thread
        // that logs (issue 11 item 6a).
        LocalTime.now().format(TIME);
        return new ServerLog(line -> out.println(LocalTime.now().format(TIME) + " " + line));
    }

    /** Discards every line. */
    public static ServerLog silent() {
        return new ServerLog(line -> { });
    }

    public void event(SocketAddress peer, String message) {
        sink.accept(peerText(peer) + " " + PlainFileName.printable(message));
    }

    public void info(String message) {
        sink.accept(PlainFileName.printable(message));
    }

    /** {@code 127.0.0.1:40312} rather than Java's {@code /127.0.0.1:40312}. */
    public static String peerText(SocketAddress peer) {
        String text = String.valueOf(peer);
        return text.startsWith("/") ? text.substring(1) : text;
    }
}
