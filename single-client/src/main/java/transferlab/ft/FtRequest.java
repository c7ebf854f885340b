package transferlab.ft;

import java.nio.charset.StandardCharsets;
import transferlab.storage.PlainFileName;

/**
 * One command of protocol F as it travels on the control connection:
 * {@code LIST <data-port>\n} or {@code GET <name> <data-port>\n}.
 *
 * <p>Fields are separated by one space. A name may itself contain spaces (our extension): the
 * data port is the last field, the name is everything between {@code GET } and the last space.
 * Whether the name is acceptable is the server's {@link transferlab.storage.ServedDirectory}'s
 * business, not the parser's.
 *
 * @param command  {@link FtProtocol#LIST} or {@link FtProtocol#GET}
 * @param name     the file asked for; {@code null} for LIST
 * @param dataPort where the client listens for the data connection, 1 to 65535 (0 only before the
 *                 client has bound its data port)
 */
public record FtRequest(String command, String name, int dataPort) {
    /** The longest valid line: {@code GET }, a 255-byte name, a space, 5 digits and the newline. */
    public static final int MAX_VALID_LINE_BYTES = 4 + PlainFileName.MAX_BYTES + 7;
    /** Details in refusals quote at most this many characters of what the client sent. */
    private static final int MAX_QUOTED_CHARS = 80;

    public static FtRequest list(int dataPort) {
        return new FtRequest(FtProtocol.LIST, null, dataPort);
    }

    public static FtRequest get(String name, int dataPort) {
        return new FtRequest(FtProtocol.GET, name, dataPort);
    }

    /** The same request for another data port (the client knows its port only after binding port 0). */
    public FtRequest withDataPort(int port) {
        return new FtRequest(command, name, port);
    }

    /** The line as the client sends it, newline included. */
    public byte[] encode() {
        String line = name == null ? command + " " + dataPort : command + " " + name + " " + dataPort;
        return (line + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses one control line, without its {@code \n}; a trailing {@code \r} is dropped so that
     * {@code nc -C} and telnet work too.
     *
     * @throws FtRefusal {@code bad-command} for an unknown command or missing fields,
     *                        {@code bad-port} for a data port that is not 1 to 65535 in decimal
     */
    public static FtRequest parse(String line) throws FtRefusal {
        // BEGIN SOLUTION
        // TODO(stage1.5): parse 'LIST <port>' or 'GET <name> <port>' (the port is the last field); else bad-command
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw new FtRefusal("bad-command",
                    "the line is empty; expected 'LIST <data-port>' or 'GET <name> <data-port>'");
        }
        int space = line.indexOf(' ');
        String command = space < 0 ? line : line.substring(0, space);
        String rest = space < 0 ? null : line.substring(space + 1);
        if (command.equals(FtProtocol.LIST)) {
            if (rest == null) {
                throw new FtRefusal("bad-command", "LIST needs a data port: 'LIST <data-port>'");
            }
            return list(parsePort(rest));
        }
        if (command.equals(FtProtocol.GET)) {
            int lastSpace = rest == null ? -1 : rest.lastIndexOf(' ');
            if (lastSpace < 0) {
                throw new FtRefusal("bad-command", "GET needs a name and a data port, got '" + quoted(line)
                        + "'; expected 'GET <name> <data-port>'");
            }
            return get(rest.substring(0, lastSpace), parsePort(rest.substring(lastSpace + 1)));
        }
        throw new FtRefusal("bad-command", "unknown command '" + quoted(command) + "'; expected LIST or GET");
        // END SOLUTION
    }

    /** A data port: 1 to 5 decimal digits, 1 to 65535. No sign, no spaces. */
    private static int parsePort(String text) throws FtRefusal {
        // BEGIN SOLUTION
        // TODO(stage1.5): a data port is 1 to 5 decimal digits, 1 to 65535, no sign, no spaces; else bad-port
        boolean digits = !text.isEmpty() && text.length() <= 5 && text.chars().allMatch(c -> c >= '0' && c <= '9');
        if (digits) {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        throw new FtRefusal("bad-port", "'" + quoted(text) + "' is not a data port (1 to 65535)");
        // END SOLUTION
    }

    /** What the client sent, safe and short enough to quote in a reply or a log line. */
    static String quoted(String text) {
        String printable = PlainFileName.printable(text);
        return printable.length() <= MAX_QUOTED_CHARS ? printable : printable.substring(0, MAX_QUOTED_CHARS) + "…";
    }
}
