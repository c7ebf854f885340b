package transferlab.grading.program;

import java.net.InetSocketAddress;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --target HOST:PORT} ({@code 127.0.0.1:5000}, {@code localhost:5000}, {@code [::1]:5000}):
 * the address of a server that is already running. The grader's own reader, so that it needs no
 * stage's code (in a student tree the stages are exercises).
 */
public final class TargetAddress {
    private TargetAddress() {
    }

    public static InetSocketAddress parse(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new TypeConversionException("'" + value + "' is not HOST:PORT (for example 127.0.0.1:5000)");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String port = value.substring(colon + 1);
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
            throw new TypeConversionException("'" + port + "' is not a port number (0 to 65535)");
        }
        return new InetSocketAddress(host, Integer.parseInt(port));
    }
}
