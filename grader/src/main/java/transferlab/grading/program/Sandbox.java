package transferlab.grading.program;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import transferlab.grading.stage.StageCheck;

/**
 * The box every graded program (a server or client command) runs in: bubblewrap ({@code bwrap},
 * Debian package {@code bubblewrap}). The program is hostile: it gets a box, not the grader's rights.
 * In the box it has
 * <ul>
 *   <li>its own PID namespace and {@code /proc}, killed whole when its test ends ({@code
 *       --die-with-parent}: once the grader kills the box's first process the kernel kills every
 *       other one, a double-forked daemon that ignores SIGTERM included), and no view of the
 *       grader's processes or their command lines;</li>
 *   <li>a read-only view of the system ({@code --ro-bind / /}) and a private, empty {@code /tmp};</li>
 *   <li>write access to its own {@code {dir}} (a server) or its own run directory (a client) only;</li>
 *   <li>none of the trees {@link Use#hidden} lists: the kit (its reference solutions, hidden tests,
 *       the grader's classes), the temporary directory (other runs' directories, the grader's logs)
 *       and the directories of the reports. Each is an empty tmpfs in the box, into which only what
 *       the program needs is bound back read-only: the directories of the files its command names
 *       ({@link #namedPaths});</li>
 *   <li>limits ({@code prlimit}) on processes, open files, file size, CPU time and memory;</li>
 *   <li>the grader's network namespace: the grader reaches it over 127.0.0.1 as before.</li>
 * </ul>
 * {@code --sandbox auto} (the default) boxes where bubblewrap works ({@link #unavailableReason},
 * probed once) and otherwise runs the program as before, after one warning line; {@code required}
 * refuses to grade without it; {@code off} never boxes. resources/grading.md explains it.
 */
public final class Sandbox {
    /**
     * Tasks (processes and threads) of the program's user; the kernel exempts uid 0 (grading.md). It
     * counts every task of that user, not just the box's: the grader's own JVM, with its hundreds of
     * client threads in R17, counts as much as the graded server's some 400. 8192 leaves room for both
     * and still stops a fork bomb well below the kernel's default pid_max (32768).
     */
    static final long PROCESSES = 8192;
    static final long OPEN_FILES = 4096;
    /** The largest file the program may write; the suite's largest is 64 MiB. */
    static final long FILE_BYTES = 256L << 20;
    static final long CPU_SECONDS = 300;
    /**
     * Memory, as the data segment (RLIMIT_DATA: private writable memory mapped), not the address
     * space: a JVM reserves gigabytes of address space it never touches. Mapped is not touched: every
     * thread's stack counts in full, 8 MiB by default, so a thread-per-connection server under the
     * suite's sixteen clients at once (some 400 threads in R17) maps over 3 GiB. At 2 GiB a correct
     * Python server could not start its 255th thread and lost R17; 8 GiB leaves room for some 900.
     */
    static final long DATA_BYTES = 8L << 30;
    /**
     * The kit's documents, visible in every box: the protocol specs, handouts and the students'
     * starters (the kit's own Python programs complete those); nothing there is secret.
     */
    static final String PUBLIC_KIT_DIRECTORY = "resources";
    /** Set in the box: the kit's launcher must not try to build (or record start-up archives) there. */
    static final String NO_BUILD = "TRANSFER_NO_BUILD";

    /** The box's namespaces and its read-only system, the same for the probe and every program. */
    private static final List<String> NAMESPACES_AND_SYSTEM = List.of("--die-with-parent", "--unshare-pid",
            "--unshare-ipc", "--new-session", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc");
    private static final Path TEMPORARY = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    private static volatile Optional<String> unavailable;

    private Sandbox() {
    }

    /** {@code --sandbox auto|required|off}. */
    public enum Mode {
        AUTO, REQUIRED, OFF;

        public static Mode parse(String value) {
            for (Mode mode : values()) {
                if (mode.name().equalsIgnoreCase(value.strip())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("'" + value + "' is not a sandbox mode (auto, required or off)");
        }

        public String optionValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Thrown by {@link Policy#resolve} for {@code --sandbox required} where bubblewrap does not work. */
    public static final class Unavailable extends IllegalStateException {
        Unavailable(String message) {
            super(message);
        }
    }

    /**
     * What a grading asked for: the mode, and directories to hide besides the kit and the
     * temporary directory (those of the reports it will write).
     */
    public record Policy(Mode mode, List<Path> alsoHidden) {
        public static final Policy DEFAULT = new Policy(Mode.AUTO, List.of());

        public Policy {
            alsoHidden = List.copyOf(alsoHidden);
        }

        /** The box this grading uses; {@code required} without a working bubblewrap throws {@link Unavailable}. */
        public Use resolve() {
            if (mode == Mode.OFF) {
                return Use.none("off (--sandbox off)");
            }
            Optional<String> why = unavailableReason();
            if (why.isPresent()) {
                if (mode == Mode.REQUIRED) {
                    throw new Unavailable("--sandbox required: " + why.get() + "; refusing to grade unboxed "
                            + "(resources/grading.md, \"The sandbox\")");
                }
                return Use.none("none: " + why.get() + " (--sandbox auto ran the programs unboxed)");
            }
            List<Path> hidden = new ArrayList<>();
            hidden.add(TEMPORARY);
            hidden.add(Path.of("/tmp"));
            Optional<Path> kit = kitRoot();
            kit.ifPresent(hidden::add);
            Path javaHome = Path.of(System.getProperty("java.home"));
            alsoHidden.stream().map(path -> path.toAbsolutePath().normalize())
                    .filter(path -> path.getNameCount() >= 2 && !javaHome.startsWith(path)) // never / or /home
                    .forEach(hidden::add);
            return new Use(true, "bubblewrap (--sandbox " + mode.optionValue() + ")", hidden,
                    kit.map(root -> List.of(root.resolve(PUBLIC_KIT_DIRECTORY))).orElse(List.of()));
        }

        /** The one warning line {@code auto} prints when it runs unboxed; empty otherwise. */
        public Optional<String> warning() {
            return mode == Mode.AUTO ? unavailableReason().map(why -> "check: warning: no sandbox: " + why
                    + "; the graded programs run with your rights (resources/grading.md, \"The sandbox\")")
                    : Optional.empty();
        }
    }

    /**
     * The box of one grading run: boxed or not, the line every report's header prints, and the
     * trees hidden from the program.
     */
    public record Use(boolean boxed, String description, List<Path> hidden, List<Path> shown) {
        public Use {
            hidden = List.copyOf(hidden);
            shown = List.copyOf(shown);
        }

        public static Use none(String description) {
            return new Use(false, description, List.of(), List.of());
        }

        /**
         * The argument list that runs {@code shellCommand} with {@code sh -c}: in the box, or as
         * before ({@link ProcessGroup#command}) when unboxed. Either way it starts under setsid, so
         * that {@link ProcessGroup#kill} kills it whole.
         *
         * @param workingDirectory where the command starts (shown empty when hidden)
         * @param writable         the program's own directories ({@code {dir}}, a client's run directory)
         */
        public List<String> command(String shellCommand, Path workingDirectory, List<Path> writable) {
            if (!boxed) {
                return ProcessGroup.command(shellCommand);
            }
            List<String> argv = new ArrayList<>(List.of(bwrap()));
            argv.addAll(NAMESPACES_AND_SYSTEM);
            // Outer trees first; a hidden tree inside another (a kit checked out under /tmp) gets a mask of
            // its own, so that it can be made read-only below.
            List<Path> masks = hidden.stream().distinct().filter(Files::isDirectory)
                    .sorted(Comparator.comparingInt(Path::getNameCount)).toList();
            for (Path tree : masks) {
                argv.addAll(List.of("--tmpfs", tree.toString()));
            }
            List<Path> mine = writable.stream().map(path -> path.toAbsolutePath().normalize()).toList();
            List<Path> readables = new ArrayList<>(shown.stream().filter(Files::isDirectory).toList());
            readables.addAll(namedPaths(shellCommand));
            for (Path readable : readables) {
                if (isHidden(readable) && mine.stream().noneMatch(readable::startsWith)) {
                    argv.addAll(List.of("--ro-bind", readable.toString(), readable.toString()));
                }
            }
            for (Path directory : mine) {
                argv.addAll(List.of("--bind", directory.toString(), directory.toString()));
            }
            Path start = workingDirectory.toAbsolutePath().normalize();
            if (isHidden(start) && mine.stream().noneMatch(start::startsWith)) {
                argv.addAll(List.of("--dir", start.toString())); // an empty stand-in, so that cd works
            }
            for (Path tree : masks) {
                // A mask over the kit or a report directory is read-only too; /tmp stays the box's own.
                boolean temporary = tree.equals(Path.of("/tmp")) || tree.equals(TEMPORARY);
                if (!temporary && Files.isDirectory(tree) && mine.stream().noneMatch(dir -> dir.startsWith(tree))) {
                    argv.addAll(List.of("--remount-ro", tree.toString()));
                }
            }
            argv.addAll(List.of("--chdir", start.toString(), "--setenv", NO_BUILD, "1", "--",
                    prlimitPath, "--nproc=" + PROCESSES, "--nofile=" + OPEN_FILES, "--fsize=" + FILE_BYTES,
                    "--cpu=" + CPU_SECONDS, "--data=" + DATA_BYTES, "--", "/bin/sh", "-c", shellCommand));
            return ProcessGroup.inNewGroup(argv);
        }

        /** Whether {@code path} lies in a hidden tree (it is not seen in the box unless bound back). */
        boolean isHidden(Path path) {
            return hidden.stream().anyMatch(path::startsWith);
        }

        /**
         * What the command needs read-only from the hidden trees: for each absolute path its words
         * name (a class path split at ':' too), a directory itself, and a file's directory and the
         * one above it (programs import from a sibling directory: the mutants from {@code ../starters}),
         * except a hidden tree's root or a directory right in it (a module of the kit), so that the
         * kit's own sources stay out of sight.
         */
        List<Path> namedPaths(String shellCommand) {
            TreeSet<Path> paths = new TreeSet<>();
            for (String word : shellCommand.split("\\s+")) {
                for (String part : word.replace("'", "").replace("\"", "").split("[:=]")) {
                    if (!part.startsWith("/")) {
                        continue;
                    }
                    Path path = Path.of(part).normalize();
                    if (Files.isDirectory(path)) {
                        if (hidden.stream().noneMatch(tree -> tree.startsWith(path))) {
                            paths.add(path); // never a hidden tree or above one, e.g. "cd /tmp"
                        }
                    } else if (Files.isRegularFile(path)) {
                        Path directory = path.getParent();
                        paths.add(directory); // a program in a hidden tree's root brings that tree in view
                        Path above = directory.getParent();
                        if (above != null && hidden.stream().noneMatch(tree -> tree.equals(above)
                                || tree.equals(above.getParent()) || tree.startsWith(above))) {
                            paths.add(above);
                        }
                    }
                }
            }
            return List.copyOf(paths);
        }

    }

    /** Why bubblewrap cannot box a program here, or empty when it can; probed once per JVM. */
    public static Optional<String> unavailableReason() {
        Optional<String> known = unavailable;
        if (known == null) {
            known = probe(System.getenv("PATH"));
            unavailable = known;
        }
        return known;
    }

    /** Runs {@code bwrap} once with the box's own options (the namespaces and mounts) on {@code true}. */
    static Optional<String> probe(String searchPath) {
        Optional<Path> bwrap = onPath("bwrap", searchPath);
        if (bwrap.isEmpty()) {
            return Optional.of(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                    ? "bubblewrap (bwrap) is not installed" : "bubblewrap (bwrap) exists only on Linux");
        }
        if (onPath("prlimit", searchPath).isEmpty()) {
            return Optional.of("prlimit (util-linux) is not installed");
        }
        try {
            List<String> probe = new ArrayList<>(List.of(bwrap.get().toString()));
            probe.addAll(NAMESPACES_AND_SYSTEM);
            probe.addAll(List.of("--tmpfs", "/tmp", "--", "true"));
            Process process = new ProcessBuilder(probe).redirectErrorStream(true).start();
            String said = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .strip();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return Optional.of("bwrap does not work here (" + (said.isEmpty() ? "no reason given" : said)
                        + "; user namespaces disabled, or a container without the rights)");
            }
            bwrapPath = bwrap.get().toString();
            prlimitPath = onPath("prlimit", searchPath).orElseThrow().toString();
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("bwrap could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while trying bwrap");
        }
    }

    private static volatile String bwrapPath = "bwrap";
    private static volatile String prlimitPath = "prlimit";

    private static String bwrap() {
        return bwrapPath;
    }

    private static Optional<Path> onPath(String program, String searchPath) {
        if (searchPath == null) {
            return Optional.empty();
        }
        for (String directory : searchPath.split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return Optional.of(Path.of(directory, program));
            }
        }
        return Optional.empty();
    }

    /** The checkout the grader runs from, hidden from the program; empty when there is none. */
    private static Optional<Path> kitRoot() {
        try {
            return Optional.of(StageCheck.kitRoot().toAbsolutePath().normalize());
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }
}
