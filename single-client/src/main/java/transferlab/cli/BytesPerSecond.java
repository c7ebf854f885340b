package transferlab.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a rate in bytes per second from a command line: {@code 0} (no limit), {@code 65536}, {@code 64k}, {@code 32M},
 * {@code 1G} (powers of 1024).
 */
public final class BytesPerSecond implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String text = value.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (text.endsWith("K") || text.endsWith("M") || text.endsWith("G")) {
            unit = switch (text.charAt(text.length() - 1)) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                default -> 1L << 30;
            };
            text = text.substring(0, text.length() - 1);
        }
        try {
            long number = Long.parseLong(text);
            if (number >= 0 && number <= Long.MAX_VALUE / unit) {
                return number * unit;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new TypeConversionException("'" + value
                + "' is not a rate in bytes per second (for example 0, 65536, 64k or 32M)");
    }
}
