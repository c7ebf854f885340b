package transferlab.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import transferlab.contract.upload.StoredNames;
import transferlab.grading.checks.FtPairFiles;
import transferlab.grading.report.GradescopeReport;
import transferlab.grading.report.HtmlReport;
import transferlab.grading.report.JUnitXmlReport;
import transferlab.grading.report.TerminalReport;
import transferlab.grading.stage.StageCheck;
import transferlab.grading.stage.StageProfile;
import transferlab.grading.program.Network;
import transferlab.grading.program.Ports;
import transferlab.grading.program.Sandbox;

/**
 * Grades any implementation of a Transfer Lab protocol, ours or a student's in any language,
 * against the same contracts our servers pass, and prints a verdict per requirement.
 *
 * <pre>
 *   $ ./transfer check upload --server-cmd "python3 server.py {port} {dir}"
 *   Protocol U (upload), core requirements; server command: python3 server.py {port} {dir}
 *     PASS  U1      2/2  The header is 8 bytes of size and the name, in one write
 *     FAIL  U3      0/4  The server stores exactly size bytes of content
 *           x contentSplitIntoSmallPiecesByTheNetworkIsStoredWhole(): [bytes stored of 32768 sent in pieces of 2048]
 *             expected: 32768L
 *              but was: 2048L within 5 seconds.
 *             timeline (seconds since the test started):
 *                 0.075 s  server  [started, told to listen on port 41123]
 *                 0.320 s  server  listening on 127.0.0.1:41123
 *     ...
 *   Score: 9/13 points; 3 passed, 1 failed, 0 not applicable; 15 extension requirements not graded (8.9 s)
 * </pre>
 * {@code ./transfer check stage1} (or stage2, stage3) grades a stage's lesson instead, part by part
 * ({@link StageCheck}, profiles in grading/stages.csv): with no command, the kit's own Java programs.
 * Exit status: 0 when every graded requirement passed, 1 when one failed, 2 on a usage error.
 * resources/grading.md explains the points file, the stage profiles, Gradescope and CI.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Grade a server or client of protocol U (upload), F (ft), D (update) or R (ranged) against "
                + "the protocol suite: a verdict per requirement, a score, JUnit XML and Gradescope results.",
                "Placeholders: {port} a free port, {dir} a fresh directory per test, {host} 127.0.0.1, {file} the file "
                        + "a client sends. The command runs with sh -c in the current directory.",
                "Clients: ft {request} is -l or -g NAME, {dataport} a free port; update {id} a client id, {dir} the "
                        + "client's directory; ranged {address} HOST:PORT, {threads}, {file}, {ofile}. "
                        + "resources/grading.md has each protocol's templates."},
        footer = {"", "Examples:",
                "  ./transfer check stage1          (the kit's own Java: ready to hand in?)",
                "  ./transfer check stage1 --server-cmd \"python3 server.py {port} {dir}\"",
                "  ./transfer check upload --server-cmd \"python3 server.py {port} {dir}\"",
                "  ./transfer check upload --target 127.0.0.1:5000",
                "  ./transfer check upload --server-cmd \"...\" --repeat 5 --network lossy",
                "  ./transfer check upload --server-cmd \"...\" --html report.html",
                "  ./transfer check upload \\",
                "      --client-cmd \"python3 client.py {host} {port} {file}\" \\",
                "      --gradescope results.json",
                "  ./transfer check ft \\",
                "      --client-cmd \"python3 ftclient.py {host} {port} {request} {dataport}\"",
                "  ./transfer check update \\",
                "      --client-cmd \"python3 client.py {host} {port} {id} {dir}\"",
                "  ./transfer check ranged \\",
                "      --client-cmd \"python3 client.py {address} {threads} {file} {ofile}\"",
                "  ./transfer check ft --pair --server-cmd \"cd {dir} && ./ftserver {port}\" \\",
                "      --client-cmd \"python3 ftclient.py localhost {port} {request} {dataport}\""})
public final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PROTOCOL|STAGE",
            description = "upload, ft, update or ranged; or stage1, stage2, stage3: the stage's lesson, every part "
                    + "(grading/stages.csv), by default the kit's own Java programs of this checkout")
    String subject;

    @ArgGroup(exclusive = false, multiplicity = "0..1")
    Target target = new Target();

    @Option(names = "--cmd", paramLabel = "PART=COMMAND",
            description = "with a stage: the command of one part, e.g. ft-server=\"python3 ftserver.py {port}\"")
    java.util.Map<String, String> partCommands = new java.util.LinkedHashMap<>();

    @Option(names = "--ft", description = "with stage1: grade the ft parts too (protocol F, list/get)")
    boolean withFt;

    @Option(names = "--part", paramLabel = "PART",
            description = "with a stage: grade only this part, e.g. upload-server (a GitHub Classroom step)")
    String part;

    @Option(names = "--profiles", paramLabel = "FILE",
            description = "stage profiles (default: the built-in grading/stages.csv)")
    Path profilesFile;

    @Option(names = "--pair", description = "grade a server and a client together, by their effects: needs both "
            + "--server-cmd and --client-cmd (ft, update, ranged)")
    boolean pair;

    @Spec
    CommandSpec spec;

    static final class Target {
        @Option(names = "--target", paramLabel = "HOST:PORT",
                description = "a server already running (tests that must look into its directory are N/A)")
        String runningServer;

        @Option(names = "--server-cmd", paramLabel = "COMMAND",
                description = "start the server with this command for each test, "
                        + "e.g. \"python3 server.py {port} {dir}\"")
        String serverCommand;

        @Option(names = "--client-cmd", paramLabel = "COMMAND",
                description = "grade a client: run it (many at once) against our server, "
                        + "e.g. \"python3 client.py {host} {port} {file}\"")
        String clientCommand;
    }

    @Option(names = "--extensions", description = "grade the extension requirements too (default: core only)")
    boolean extensions;

    @Option(names = "--iterative",
            description = "the server serves one client at a time (stage 1): a paused client must hold up the next one")
    boolean iterative;

    @Option(names = "--timeout-factor", paramLabel = "F", defaultValue = "1", converter = PositiveFactor.class,
            description = "multiply every timeout of the suite by F, for slow machines (default: ${DEFAULT-VALUE})")
    double timeoutFactor;

    @Option(names = "--only", paramLabel = "IDS", split = ",",
            description = "grade only these requirements, e.g. U3,U5")
    List<String> only = List.of();

    @Option(names = "--tests", paramLabel = "REGEX",
            description = "run only the contract tests whose method name matches, e.g. 'badName.*'")
    String tests;

    @Option(names = "--stored-name", paramLabel = "PATTERN", converter = StoredNamePattern.class,
            description = "upload: a server may store NAME under this name, e.g. '{name}.part' or 'got-{name}' "
                    + "({digits}: one or more digits); repeatable (default: the sent name, {name}.temp and "
                    + "{name}.temp{digits}, seed 004's)")
    List<String> storedNames = List.of();

    @Option(names = "--points", paramLabel = "FILE",
            description = "points file (default: the built-in grading/points.csv)")
    Path pointsFile;

    @Option(names = "--junit-xml", paramLabel = "FILE", description = "also write JUnit XML here")
    Path junitXml;

    @Option(names = "--gradescope", paramLabel = "FILE", description = "also write Gradescope's results.json here")
    Path gradescope;

    @Option(names = "--html", paramLabel = "FILE",
            description = "also write a page with each failed requirement's exchange as a timeline")
    Path html;

    @Option(names = "--tests-at-once", paramLabel = "N", defaultValue = "2",
            description = "run N contract tests at once, each with its own server (default: ${DEFAULT-VALUE}; 1: "
                    + "one after another)")
    int testsAtOnce;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "run the chosen tests N times; report requirements that failed only sometimes (flaky)")
    int repeat;

    @Option(names = "--network", paramLabel = "KIND", defaultValue = "direct", converter = NetworkConverter.class,
            description = "direct; lossy: every connection through a proxy that behaves like a poor real "
                    + "network (MSS-sized segments, delays, jitter, stalls, late retransmissions); hostile: the "
                    + "first 16 bytes each way in 1-byte segments, as no real network does")
    Network network;

    @Option(names = "--server-port", paramLabel = "N",
            description = "the server listens on N whatever it is told (its command has no {port}): tests run one "
                    + "at a time, each start waits until N is free again")
    int serverPort;

    @Option(names = "--client-port", paramLabel = "N",
            description = "the client connects to port N whatever it is told: our reference server listens there")
    int clientPort;

    @Option(names = "--port-range", paramLabel = "LO-HI", converter = PortRange.class,
            description = "hand out only ports in LO-HI ({port}, {dataport}, our server's), for a program that "
                    + "accepts only those, e.g. 40000-65000")
    Ports portRange = Ports.ANY;

    @Option(names = "--file-names", paramLabel = "NAMES|DIR", split = ",",
            description = "ft --pair: serve files of these names instead of the kit's (text small, text large, "
                    + "binary, 1 MiB, empty, in that order), or the sample files of this directory")
    List<String> fileNames = List.of();

    @Option(names = "--time-limit", paramLabel = "SECONDS",
            description = "stop the whole run after this long; tests not run fail (default: 300 x the timeout factor)")
    Long timeLimitSeconds;

    @Option(names = "--sandbox", paramLabel = "MODE", defaultValue = "auto", converter = SandboxMode.class,
            description = "auto: run every graded program in a bubblewrap box where bwrap works (else warn and run "
                    + "it unboxed); required: refuse to grade without the box (exit 2); off: never box "
                    + "(default: ${DEFAULT-VALUE}; resources/grading.md)")
    Sandbox.Mode sandbox;

    @Override
    public Integer call() throws IOException {
        PointsTable points = pointsFile == null ? PointsTable.defaults() : PointsTable.load(pointsFile);
        if (testsAtOnce < 1) {
            throw new ParameterException(spec.commandLine(), "--tests-at-once must be 1 or more");
        }
        Sandbox.Policy box = sandboxPolicy();
        try {
            box.resolve();
        } catch (Sandbox.Unavailable e) {
            System.err.println("check: " + e.getMessage());
            return CheckCommandLine.USAGE;
        }
        box.warning().ifPresent(System.err::println);
        if (StageProfile.isStageName(subject)) {
            return checkStage(points, box);
        }
        Protocol protocol;
        try {
            protocol = Protocol.parse(subject);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage()
                    + ", or a stage: " + String.join(", ", StageProfile.stageNames(profilesFile)));
        }
        if (!partCommands.isEmpty() || withFt || part != null) {
            throw new ParameterException(spec.commandLine(),
                    "--cmd, --ft and --part are for a stage (check stage1 ...), not a protocol");
        }
        Set<String> onlyIds = new LinkedHashSet<>();
        only.forEach(id -> onlyIds.add(id.strip()));
        CheckPlan plan = new CheckPlan(protocol, targetSpec(), extensions, timeoutFactor, points, onlyIds, iterative,
                tests == null ? null : java.util.regex.Pattern.compile(tests), repeat,
                timeLimitSeconds == null ? null : java.time.Duration.ofSeconds(timeLimitSeconds), network, storedNames,
                box)
                .withPorts(ports()).withFileNames(fileNames()).withTestsAtOnce(testsAtOnce);
        CheckResult result = SuiteRunner.run(plan);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        TerminalReport.print(result, out);
        writeReports(result, out);
        return result.passed() ? CheckCommandLine.OK : CheckCommandLine.FAILED;
    }

    private void writeReports(CheckResult result, PrintStream out) throws IOException {
        if (junitXml != null) {
            JUnitXmlReport.write(result, junitXml);
            out.println("JUnit XML: " + junitXml);
        }
        if (gradescope != null) {
            GradescopeReport.write(result, gradescope);
            out.println("Gradescope results: " + gradescope);
        }
        if (html != null) {
            HtmlReport.write(result, html);
            out.println("HTML report: " + html);
        }
    }

    /** {@code check stageN}: every part of the stage's profile, then the stage's score and verdict. */
    private int checkStage(PointsTable points, Sandbox.Policy box) throws IOException {
        if (target.runningServer != null || pair || extensions || iterative || !only.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "a stage grades what its profile lists, against "
                    + "programs it starts: --target, --pair, --extensions, --iterative and --only are for "
                    + "check PROTOCOL");
        }
        StageProfile profile;
        try {
            profile = StageProfile.load(subject, profilesFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (part != null) {
            if (!profile.byName().containsKey(part)) {
                throw new ParameterException(spec.commandLine(), "--part " + part + ": " + subject + " has no part "
                        + part + " (its parts: " + String.join(", ", profile.byName().keySet()) + ")");
            }
            profile = new StageProfile(profile.stage(), profile.parts().stream()
                    .filter(each -> each.name().equals(part)).toList(), profile.source());
        }
        for (String part : partCommands.keySet()) {
            if (!profile.byName().containsKey(part)) {
                throw new ParameterException(spec.commandLine(), "--cmd " + part + "=...: " + subject
                        + " has no part " + part + " (its parts: " + String.join(", ", profile.byName().keySet())
                        + ")");
            }
        }
        StageCheck.Options options = new StageCheck.Options(target.serverCommand, target.clientCommand, partCommands,
                withFt || part != null, timeoutFactor, points, repeat,
                timeLimitSeconds == null ? null : java.time.Duration.ofSeconds(timeLimitSeconds), network,
                tests == null ? null : java.util.regex.Pattern.compile(tests), storedNames, testsAtOnce);
        StageCheck.Result result = StageCheck.run(profile, options, box);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        StageCheck.print(result, out);
        if (result.combined().isPresent()) {
            writeReports(result.combined().get(), out);
        }
        return result.passed() ? CheckCommandLine.OK : CheckCommandLine.FAILED;
    }

    private CheckPlan.TargetSpec targetSpec() {
        int given = (target.runningServer == null ? 0 : 1) + (target.serverCommand == null ? 0 : 1)
                + (target.clientCommand == null ? 0 : 1);
        if (pair) {
            if (target.serverCommand == null || target.clientCommand == null || target.runningServer != null) {
                throw new ParameterException(spec.commandLine(),
                        "--pair needs --server-cmd and --client-cmd (no --target)");
            }
            return CheckPlan.TargetSpec.pair(target.serverCommand, target.clientCommand);
        }
        if (given != 1) {
            throw new ParameterException(spec.commandLine(),
                    "give one of --target, --server-cmd or --client-cmd (both commands only with --pair)");
        }
        if (target.runningServer != null) {
            return CheckPlan.TargetSpec.runningServer(target.runningServer);
        }
        if (target.serverCommand != null) {
            return CheckPlan.TargetSpec.serverCommand(target.serverCommand);
        }
        return CheckPlan.TargetSpec.clientCommand(target.clientCommand);
    }

    private List<String> fileNames() {
        if (fileNames.isEmpty()) {
            return fileNames;
        }
        if (!pair || !"ft".equals(subject)) {
            throw new ParameterException(spec.commandLine(), "--file-names is for check ft --pair");
        }
        try {
            FtPairFiles.of(fileNames);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return fileNames.size() == 1 && java.nio.file.Files.isDirectory(Path.of(fileNames.get(0)))
                ? List.of(Path.of(fileNames.get(0)).toAbsolutePath().toString()) : fileNames;
    }

    private Ports ports() {
        if (serverPort < 0 || serverPort > 65535 || clientPort < 0 || clientPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--server-port and --client-port take a port, 1-65535");
        }
        if (serverPort > 0 && target.serverCommand != null && target.serverCommand.contains("{port}")) {
            throw new ParameterException(spec.commandLine(), "--server-port is for a server whose command has no "
                    + "{port}: drop one or the other");
        }
        return portRange.withServer(serverPort).withClient(clientPort);
    }

    /** {@code --port-range LO-HI}; anything else is a usage error (exit 2). */
    static final class PortRange implements picocli.CommandLine.ITypeConverter<Ports> {
        @Override
        public Ports convert(String value) {
            try {
                return Ports.range(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A timeout factor must be a positive number; anything else is a usage error (exit 2). */
    static final class PositiveFactor implements picocli.CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                double factor = Double.parseDouble(value);
                if (factor > 0 && Double.isFinite(factor)) {
                    return factor;
                }
            } catch (NumberFormatException e) {
                // the message below says what is wanted
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a positive number (e.g. 3)");
        }
    }

    /** The box asked for, hiding the directories the reports go to from the graded programs. */
    private Sandbox.Policy sandboxPolicy() {
        List<Path> reportDirectories = java.util.stream.Stream.of(junitXml, gradescope, html)
                .filter(java.util.Objects::nonNull)
                .map(report -> report.toAbsolutePath().normalize().getParent()).distinct().toList();
        return new Sandbox.Policy(sandbox, reportDirectories);
    }

    /** {@code --sandbox auto|required|off}; anything else is a usage error (exit 2). */
    static final class SandboxMode implements picocli.CommandLine.ITypeConverter<Sandbox.Mode> {
        @Override
        public Sandbox.Mode convert(String value) {
            try {
                return Sandbox.Mode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --network direct|lossy|hostile}; anything else is a usage error (exit 2). */
    static final class NetworkConverter implements picocli.CommandLine.ITypeConverter<Network> {
        @Override
        public Network convert(String value) {
            try {
                return Network.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A {@code --stored-name} pattern holds {@code {name}} once and no '/'; anything else is a usage error. */
    static final class StoredNamePattern implements picocli.CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                StoredNames.check(value);
                return value;
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Runs the command as {@code ./transfer check} does and returns its exit status (the Maven entry uses this). */
    public static int run(String... args) {
        return CheckCommandLine.run(new CheckCommand(), args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
