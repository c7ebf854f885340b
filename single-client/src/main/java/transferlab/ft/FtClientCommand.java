package transferlab.ft;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import transferlab.cli.CommandRunner;
import transferlab.cli.Ports;
import transferlab.cli.Seconds;
import transferlab.storage.BadNameException;
import transferlab.storage.PlainFileName;

/**
 * Seed 003's {@code ftclient}: list a list/get server's files ({@code -l}) or fetch one ({@code -g}).
 *
 * <pre>
 *   $ ./transfer ftclient 127.0.0.1 3555 -l 8555
 *   Connected to 127.0.0.1 on port 3555...
 *   Data transfer initiated on ('127.0.0.1', 41184)...
 *   textfile-large
 *   textfile-small
 *
 *   $ ./transfer ftclient 127.0.0.1 3555 -g textfile-large 0
 *   Connected to 127.0.0.1 on port 3555...
 *   Data transfer initiated on ('127.0.0.1', 41900)...
 *   Transfer complete.
 * </pre>
 * DATA_PORT 0 listens on any free port and tells the server which. The file is saved in the current
 * directory (or {@code --dir}); if a file of that name is already there, nothing is overwritten: the
 * client stops with exit status 1 before it asks the server (and if the file appears during the
 * transfer, the download is discarded). Exit status: 0 done, 1 refused or failed, 2 usage error.
 */
@Command(name = "ftclient", mixinStandardHelpOptions = true,
        customSynopsis = {"ftclient HOST PORT -l DATA_PORT [--timeout=SECONDS]",
                "       ftclient HOST PORT -g FILE DATA_PORT [--dir=DIR] [--timeout=SECONDS]"},
        description = {"List the files of an ftserver (-l) or fetch one (-g) over the two-connection protocol F.",
                "DATA_PORT is where this client listens for the server's data connection; 0 picks a free port."},
        footer = {"", "Examples:", "  ./transfer ftclient 127.0.0.1 3555 -l 8555",
                "  ./transfer ftclient 127.0.0.1 3555 -g textfile-large 0 --dir downloads"})
public final class FtClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST", description = "the server's host name or address")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "the server's control port")
    String port;

    @Parameters(index = "2..*", paramLabel = "DATA_PORT | FILE DATA_PORT", description = "what -l or -g needs")
    List<String> arguments = new ArrayList<>();

    @Option(names = "-l", description = "list the server's files")
    boolean list;

    @Option(names = "-g", description = "get FILE and save it in DIR")
    boolean get;

    @Option(names = "--dir", paramLabel = "DIR", description = "where -g saves the file (default: ${DEFAULT-VALUE})")
    Path dir = Path.of(".");

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = Seconds.class,
            description = "give up when any step waits longer than this (default: 30)")
    Duration timeout = Duration.ofSeconds(30);

    @Override
    public Integer call() throws Exception {
        if (list == get) {
            throw usage("give exactly one of -l DATA_PORT or -g FILE DATA_PORT");
        }
        int serverPort = port("PORT", port);
        if (serverPort == 0) {
            throw usage("PORT 0 is not a server port (1 to 65535)");
        }
        if (timeout.isZero()) {
            throw usage("--timeout must be more than 0 seconds");
        }
        FtClient client = new FtClient(timeout, System.out);
        if (list) {
            if (arguments.size() != 1) {
                throw usage("-l takes one DATA_PORT, got " + arguments);
            }
            client.list(host, serverPort, port("DATA_PORT", arguments.get(0)));
            return CommandRunner.OK;
        }
        if (arguments.size() != 2) {
            throw usage("-g takes FILE and DATA_PORT, got " + arguments);
        }
        String name = arguments.get(0);
        try {
            PlainFileName.check(name);
        } catch (BadNameException e) {
            throw usage("FILE must be a plain file name: " + e.getMessage());
        }
        if (!Files.isDirectory(dir)) {
            throw usage("DIR '" + dir + "' is not a directory");
        }
        client.get(host, serverPort, name, port("DATA_PORT", arguments.get(1)), dir);
        return CommandRunner.OK;
    }

    private int port(String label, String value) {
        try {
            return Ports.parse(value);
        } catch (TypeConversionException e) {
            throw usage(label + " " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    public static void main(String[] args) {
        System.exit(CommandRunner.run(new FtClientCommand(), args));
    }
}
