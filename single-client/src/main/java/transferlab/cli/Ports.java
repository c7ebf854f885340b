package transferlab.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a TCP port number, 0 to 65535, from a command line; 0 means "any free port". */
public final class Ports implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        return parse(value);
    }

    public static int parse(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new TypeConversionException("'" + value + "' is not a port number (0 to 65535)");
    }
}
