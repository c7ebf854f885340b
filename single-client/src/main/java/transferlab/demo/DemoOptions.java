package transferlab.demo;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options every part of the lecture demo takes, with the demo's help. The launcher hands the
 * same arguments to each part it runs, so a part accepts them all and uses those that concern it.
 *
 * <pre>
 *   $ ./transfer demo --help
 *   Usage: ./transfer demo [1|2|3] [--pace slow|normal] [--pause] [--no-bars]
 *                          [--plot FILE.svg]
 *   ...
 * </pre>
 */
@Command(name = "demo", usageHelpWidth = 80,
        customSynopsis = {"./transfer demo [1|2|3] [--pace slow|normal] [--pause] [--no-bars]",
                "                       [--plot FILE.svg]"},
        description = {"", "The lecture demo on loopback, on generated files: all three parts, or one.",
                "  1  the iterative server: three clients served one after another",
                "  2  a thread per client: the same three clients overlap",
                "  3  one file over 1, 4 and 16 connections, each held to 32 MiB/s", ""},
        footer = {"", "Examples:", "  ./transfer demo --pace slow --pause     (a lecture: every part, explained)",
                "  ./transfer demo 3 --plot speedup.svg    (the speedup as a picture)"})
public final class DemoOptions {
    /** How fast the upload parts (1 and 2) go: what a room can follow, or what a rehearsal wants. */
    public enum Pace {
        /** Each upload about half a second: part 1 is over in about 2 s. */
        NORMAL(0.5, 2.0),
        /** Each upload about 5 s: in part 1 the last client waits about 10 s in the queue. */
        SLOW(5.0, 16.0);

        /** How long one client's upload takes (its rate is the file's size over this). */
        public final double uploadSeconds;
        /** The timeline's width in seconds, the same for parts 1 and 2 so that they compare. */
        public final double timelineSeconds;

        Pace(double uploadSeconds, double timelineSeconds) {
            this.uploadSeconds = uploadSeconds;
            this.timelineSeconds = timelineSeconds;
        }
    }

    /** {@code slow} or {@code normal}, in any case. */
    static final class PaceName implements ITypeConverter<Pace> {
        @Override
        public Pace convert(String value) {
            try {
                return Pace.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not a pace (slow or normal)");
            }
        }
    }

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--pace", paramLabel = "slow|normal", converter = PaceName.class,
            description = "slow: each upload of parts 1 and 2 takes about 5 s, so part 1's queue stays "
                    + "visible for about 10 s (default: normal, about 0.5 s)")
    Pace pace = Pace.NORMAL;

    @Option(names = "--pause", description = "before each part starts its clients, wait for Enter "
            + "(only in a terminal; at the end of input it goes on)")
    boolean pause;

    @Option(names = "--no-bars", description = "no progress bars in part 3, only its table")
    boolean noBars;

    @Option(names = "--plot", paramLabel = "FILE.svg", description = "part 3: also draw measured and ideal "
            + "time by number of connections, as an SVG picture")
    Path plot;

    public Pace pace() {
        return pace;
    }

    public boolean bars() {
        return !noBars;
    }

    /** Where part 3 draws its picture, or null. */
    public Path plot() {
        return plot;
    }

    /** With --pause in a terminal: says {@code what} comes next and waits for Enter. */
    public void pauseBefore(String what, PrintStream out) throws IOException {
        Console console = System.console(); // null unless both input and output are a terminal
        if (pause && console != null) {
            waitForEnter(new BufferedReader(console.reader()), out, what);
        }
    }

    /** Prints the prompt and reads one line; at the end of input it goes on (returns false). */
    static boolean waitForEnter(BufferedReader in, PrintStream out, String what) throws IOException {
        out.print("  [Enter] " + what + " ");
        out.flush();
        boolean entered = in.readLine() != null;
        if (!entered) {
            out.println();
        }
        return entered;
    }
}
