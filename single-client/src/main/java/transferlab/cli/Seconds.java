package transferlab.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a positive duration in seconds ({@code 30}, {@code 0.5}) from a command line. */
public final class Seconds implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            double seconds = Double.parseDouble(value);
            if (seconds >= 0 && seconds <= 365 * 24 * 3600) {
                return Duration.ofNanos(Math.round(seconds * 1e9));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new TypeConversionException("'" + value + "' is not a number of seconds (for example 30 or 0.5)");
    }
}
