package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import transferlab.grading.program.CommandServer;
import transferlab.grading.program.Sandbox;
import transferlab.grading.stage.StageCheck;
import transferlab.testkit.PythonPrograms;
import transferlab.testkit.ServerUnderTest;

/**
 * Issue 18, the box every graded program runs in ({@link Sandbox}), tried with real programs: a
 * server that tries to write outside its {@code {dir}}, to look at the kit and at the grader's
 * {@code /tmp}, and leaves a double-forked daemon that ignores SIGTERM; a squatter on the port the
 * grader chose; {@code --sandbox required} where bubblewrap is missing. The cases that need
 * bubblewrap are skipped, with the reason, where it does not work (CI installs it: .ci/run).
 */
@Execution(ExecutionMode.CONCURRENT) // each case mostly waits on its programs
class SandboxTest {
    /**
     * Tries what a hostile server would, writes what it found to {dir}/found.properties, leaves a
     * daemon (double fork, new session, SIGTERM ignored) whose command line carries a marker, then
     * listens on {port}.
     */
    private static final String PROBE = """
            import os, signal, socket, sys
            port, mine, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            outside, kit = "%s", "%s"
            found = {}
            def attempt(name, action):
                try:
                    action()
                    found[name] = "done"
                except OSError as e:
                    found[name] = type(e).__name__
            def write(path):
                with open(path, "w") as f:
                    f.write("planted by the graded program")
            attempt("write-outside", lambda: write(os.path.join(outside, "planted.txt")))
            attempt("write-kit", lambda: write(os.path.join(kit, "planted.txt")))
            attempt("write-tmp", lambda: write("/tmp/" + marker))
            attempt("write-mine", lambda: write(os.path.join(mine, "mine.txt")))
            found["kit"] = ",".join(sorted(os.listdir(kit))) if os.path.isdir(kit) else "(absent)"
            found["tmp"] = ",".join(sorted(os.listdir("/tmp")))
            found["cwd"] = os.getcwd() + ":" + ",".join(sorted(os.listdir(".")))
            found["outside-seen"] = str(os.path.exists(outside))
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    signal.signal(signal.SIGTERM, signal.SIG_IGN)
                    os.execvp("sh", ["sh", "-c", "trap '' TERM; while :; do sleep 1; done", marker])
                os._exit(0)
            with open(os.path.join(mine, "found.properties"), "w") as f:
                f.writelines(f"{key}={value}\\n" for key, value in found.items())
            server = socket.socket()
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind(("127.0.0.1", port))
            server.listen()
            while True:
                server.accept()[0].close()
            """;

    /**
     * A correct server (argument 3, the kit's good upload server) that, while the file
     * {@code squat-me} lies beside it, first waits until something else listens on its port.
     */
    private static final String WAITS_FOR_A_SQUATTER = """
            import os, runpy, socket, sys, time
            port, good = int(sys.argv[1]), sys.argv[3]
            if os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), "squat-me")):
                deadline = time.time() + 20
                while time.time() < deadline:
                    try:
                        socket.create_connection(("127.0.0.1", port), 0.2).close()
                        break
                    except OSError:
                        time.sleep(0.02)
            sys.argv = [good] + sys.argv[1:3]
            runpy.run_path(good, run_name="__main__")
            """;

    @TempDir
    Path work;

    private static Sandbox.Use box() {
        Optional<String> why = Sandbox.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "no sandbox here: " + why.orElse(""));
        return new Sandbox.Policy(Sandbox.Mode.REQUIRED, List.of()).resolve();
    }

    @Test
    void aServerInTheBoxWritesOnlyItsDirSeesNeitherTheKitNorTheGradersTmpAndLeavesNothingRunning()
            throws Exception {
        PythonPrograms.assumePython();
        Sandbox.Use box = box();
        Path programs = Files.createDirectories(work.resolve("programs"));
        Path mine = Files.createDirectories(work.resolve("dir"));
        Path outside = Files.createDirectories(work.resolve("beside-dir"));
        Path kit = StageCheck.kitRoot();
        // Where to look is in the program, not on its command line: a directory the command names is shown.
        Path probe = Files.writeString(programs.resolve("probe.py"), PROBE.formatted(outside, kit));
        Path gradersTmpFile = Files.createTempFile("grader-only-", ".txt");
        String marker = "sandbox-test-daemon-" + UUID.randomUUID();
        try {
            try (ServerUnderTest server = CommandServer.start(PythonPrograms.interpreter() + " " + probe
                    + " {port} {dir} " + marker, mine,
                    Files.createDirectories(work.resolve("logs")), Map.of(), box)) {
                assertThat(server.address().getPort()).isPositive();
                await("the daemon the server left").atMost(Duration.ofSeconds(10))
                        .until(() -> daemons(marker) > 0);
            }
            Properties found = new Properties();
            try (var in = Files.newBufferedReader(mine.resolve("found.properties"))) {
                found.load(in);
            }
            assertThat(found.getProperty("write-mine")).as("writing into its own {dir}").isEqualTo("done");
            assertThat(mine.resolve("mine.txt")).exists();
            assertThat(found.getProperty("write-outside")).as("writing beside {dir}").isNotEqualTo("done");
            assertThat(outside.resolve("planted.txt")).doesNotExist();
            assertThat(found.getProperty("outside-seen")).as("a directory beside {dir} seen").isEqualTo("False");
            assertThat(found.getProperty("write-kit")).as("writing into the kit").isNotEqualTo("done");
            assertThat(kit.resolve("planted.txt")).doesNotExist();
            assertThat(List.of(found.getProperty("kit").split(","))).as("the kit as the box shows it")
                    .doesNotContain("pom.xml", "transfer", "tests", "single-client", "multi-client", "testkit");
            // Surefire runs in grader/, inside the kit: the box starts there, in an empty stand-in.
            assertThat(found.getProperty("cwd")).as("where the server starts, and what it sees there")
                    .isEqualTo(Path.of("").toAbsolutePath() + ":");
            assertThat(found.getProperty("write-tmp")).as("writing into the box's own /tmp").isEqualTo("done");
            assertThat(Path.of("/tmp", marker)).as("the box's /tmp is its own").doesNotExist();
            assertThat(found.getProperty("tmp")).as("the grader's /tmp from the box")
                    .doesNotContain(gradersTmpFile.getFileName().toString());
            await("no process of the box left").atMost(Duration.ofSeconds(10))
                    .until(() -> daemons(marker) == 0);
        } finally {
            Files.deleteIfExists(gradersTmpFile);
        }
    }

    /**
     * A thread-per-connection server under the suite's sixteen clients at once holds some 400 threads
     * (R17), each of whose stacks counts against the box's memory limit in full (8 MiB by default).
     * At a 2 GiB limit a correct Python server could not start its 255th thread and lost R17 ("can't
     * start new thread", its control connection reset).
     */
    @Test
    void aBoxedServerCanHoldSixHundredThreads() throws Exception {
        PythonPrograms.assumePython();
        Sandbox.Use box = box();
        Path program = Files.writeString(Files.createDirectories(work.resolve("programs")).resolve("threads.py"), """
                import os, socket, sys, threading
                port, mine = int(sys.argv[1]), sys.argv[2]
                hold, started, why = threading.Event(), 0, "none"
                try:
                    for _ in range(600):
                        threading.Thread(target=hold.wait, daemon=True).start()
                        started += 1
                except RuntimeError as e:
                    why = str(e)
                with open(os.path.join(mine, "threads.txt"), "w") as f:
                    f.write(f"{started} {why}")
                hold.set()
                server = socket.socket()
                server.bind(("127.0.0.1", port))
                server.listen()
                while True:
                    server.accept()[0].close()
                """);
        Path mine = Files.createDirectories(work.resolve("dir"));
        try (ServerUnderTest server = CommandServer.start(PythonPrograms.interpreter() + " " + program + " {port} {dir}",
                mine, Files.createDirectories(work.resolve("logs")), Map.of(), box)) {
            assertThat(server.address().getPort()).isPositive();
        }
        assertThat(Files.readString(mine.resolve("threads.txt"))).as("threads started in the box, and why it stopped")
                .isEqualTo("600 none");
    }

    @Test
    void aSquatterOnThePortIsReportedAndACorrectServerStillGetsItsFullGrade() throws Exception {
        PythonPrograms.assumePython();
        box();
        Path programs = Files.createDirectories(work.resolve("programs"));
        Path server = Files.writeString(programs.resolve("waits_for_a_squatter.py"), WAITS_FOR_A_SQUATTER);
        Path squatMe = Files.writeString(programs.resolve("squat-me"), "");
        AtomicInteger squatted = new AtomicInteger();
        Thread squatter = new Thread(() -> squat(server, squatMe, squatted), "squatter");
        squatter.setDaemon(true);
        squatter.start();
        try {
            CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand(
                    PythonPrograms.interpreter() + " " + server + " {port} {dir} "
                            + PythonPrograms.mutant("good_upload_server.py")), false, 1, PointsTable.defaults(),
                    Set.of("U1", "U2"));
            CheckResult result = SuiteRunner.run(plan);

            assertThat(squatted.get()).as("the port the squatter took").isPositive();
            assertThat(result.warnings()).as("the report's warnings").anySatisfy(warning -> assertThat(warning)
                    .contains("port " + squatted.get() + " is held by another program (pid "
                            + ProcessHandle.current().pid()));
            assertThat(result.requirements(Verdict.PASS)).as("the correct server's grade").contains("U1", "U2");
            assertThat(result.score()).isEqualTo(result.maxScore());
            assertThat(result.sandbox()).startsWith("bubblewrap");
        } finally {
            squatter.interrupt();
            squatter.join(5_000);
        }
    }

    /** Finds the server's first start in the kernel's process table, as a left daemon would, and takes its port. */
    private static void squat(Path server, Path squatMe, AtomicInteger squatted) {
        try {
            int port = await("the server's first start").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(5)).until(() -> startedPort(server.toString()), Optional::isPresent)
                    .get();
            try (ServerSocket taken = new ServerSocket()) {
                taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
                squatted.set(port);
                Files.delete(squatMe); // the next starts do not wait
                new java.util.concurrent.CountDownLatch(1).await(); // held until the test interrupts this thread
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the test is over, or the port could not be taken: the test's assertions say so
        }
    }

    /** The {port} argument of a running process whose command line names {@code program}. */
    private static Optional<Integer> startedPort(String program) throws IOException {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(dir -> dir.getFileName().toString().matches("\\d+")).toList()) {
                List<String> argv;
                try {
                    argv = List.of(new String(Files.readAllBytes(process.resolve("cmdline")),
                            StandardCharsets.UTF_8).split("\0"));
                } catch (IOException gone) {
                    continue;
                }
                int at = argv.indexOf(program);
                if (at >= 0 && at + 1 < argv.size() && argv.get(at + 1).matches("\\d+")) {
                    return Optional.of(Integer.parseInt(argv.get(at + 1)));
                }
            }
        }
        return Optional.empty();
    }

    /** How many of the probe's daemons run on the machine: "sh -c ... MARKER" (the probe is "python3 ..."). */
    private static long daemons(String marker) throws IOException {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(dir -> dir.getFileName().toString().matches("\\d+")).filter(dir -> {
                try {
                    String argv = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
                    return argv.startsWith("sh\0") && argv.contains(marker);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void requiredWithoutBubblewrapRefusesToGradeAndAutoWarnsOnce() throws Exception {
        PythonPrograms.assumePython();
        String server = PythonPrograms.interpreter() + " " + PythonPrograms.mutant("good_upload_server.py")
                + " {port} {dir}";
        Checked required = checkWithoutBwrap("--sandbox", "required", "--server-cmd", server);
        assertThat(required.status()).as("exit status; it printed:%n%s", required.output()).isEqualTo(2);
        assertThat(required.output()).contains("--sandbox required: bubblewrap (bwrap) is not installed")
                .doesNotContain("Score:");

        Checked auto = checkWithoutBwrap("--only", "U2", "--server-cmd", server);
        assertThat(auto.status()).as("exit status; it printed:%n%s", auto.output()).isZero();
        assertThat(auto.output().lines().filter(line -> line.contains("warning: no sandbox")).count())
                .as("warning lines in:%n%s", auto.output()).isEqualTo(1);
        assertThat(auto.output()).contains("sandbox: none: bubblewrap (bwrap) is not installed")
                .contains("Score: 3/3");
    }

    private record Checked(int status, String output) {
    }

    /** {@code ./transfer check upload ARGS} in a JVM of its own whose PATH holds no bwrap (nor anything else). */
    private Checked checkWithoutBwrap(String... args) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                CheckCommand.class.getName(), "upload"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("check-" + UUID.randomUUID() + ".txt").toFile());
        builder.environment().put("PATH", work.resolve("no-programs-here").toString());
        Process check = builder.start();
        if (!check.waitFor(120, TimeUnit.SECONDS)) {
            check.destroyForcibly();
            throw new AssertionError("check did not end within 120 s");
        }
        return new Checked(check.exitValue(), Files.readString(builder.redirectOutput().file().toPath()));
    }
}
