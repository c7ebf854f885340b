package transferlab.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The student tree as {@code ./transfer release student} writes it, generated and built once per
 * test JVM and shared by every test that runs commands in it (the build is most of the cost):
 * {@link #shared()}. Its Java TODOs are those of a student who finished the servers but not the
 * clients: every TODO of stage 1 and the server TODOs of stages 2 and 3 ({@link #RESTORED}) have
 * their reference bodies; the client TODOs (stage2.4, stage3.2-3.4) are stubs. The Python
 * starters ship as stubs too; the completed ones (tests/python/starters/*_done.py, with the good
 * programs they complete from) never ship, so they are copied in, under tests/python as in the kit.
 *
 * <p>Built with the tree's own launcher ({@code ./transfer check --help}: Maven, without tests),
 * so every later {@link #run} starts from the jars a student's first command builds.
 */
final class GeneratedStudentTree {
    /** The server TODOs of every stage (stage 1's are all server-side or shared). */
    static final Set<String> RESTORED = Set.of("stage1.1", "stage1.2", "stage1.3", "stage1.4", "stage1.5",
            "stage1.6", "stage2.1", "stage2.2", "stage2.3", "stage3.1");
    /** A cold build on two loaded cores. */
    static final long BUILD_MINUTES = 8;
    static final long RUN_MINUTES = 8;

    private static GeneratedStudentTree shared;

    private final Path root;

    private GeneratedStudentTree(Path root) {
        this.root = root;
    }

    /** The one tree of this JVM, generated and built on first use. */
    static synchronized GeneratedStudentTree shared() throws IOException, InterruptedException {
        if (shared == null) {
            Path root = Path.of("target", "generated-student-tree").toAbsolutePath();
            deleteRecursively(root);
            StudentTree tree = new StudentTree(StudentTree.kitRoot());
            for (Map.Entry<String, byte[]> file : tree.files(RESTORED).entrySet()) {
                Path target = root.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
            copyTree(tree.kit().resolve("tests/python"), root.resolve("tests/python"));
            copyTree(tree.kit().resolve(StudentTree.STUDENT_FILES + "/python"),
                    root.resolve(StudentTree.STUDENT_FILES + "/python"));
            // Offline: every library is in the local repository already (this build resolved them).
            Files.createDirectories(root.resolve(".mvn"));
            Files.writeString(root.resolve(".mvn/maven.config"), "-o\n");
            GeneratedStudentTree built = new GeneratedStudentTree(root);
            Run build = built.run(BUILD_MINUTES, "check", "--help");
            if (build.exitStatus() != 0) {
                throw new IllegalStateException("the student tree did not build:\n" + build.output());
            }
            shared = built;
        }
        return shared;
    }

    Path root() {
        return root;
    }

    /** What one {@code ./transfer} command printed (standard output and error) and its exit status. */
    record Run(int exitStatus, String output) {
    }

    /** {@code ./transfer ARGS...} in the tree, at most {@link #RUN_MINUTES}. */
    Run transfer(String... args) throws IOException, InterruptedException {
        return run(RUN_MINUTES, args);
    }

    private Run run(long minutes, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("transfer").toString()));
        command.addAll(List.of(args));
        return runIn(root, minutes, command);
    }

    /** {@code command} in {@code dir} (a tree's root), at most {@code minutes}. */
    static Run runIn(Path dir, long minutes, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(Files.createDirectories(dir.resolve("target")), "command-", ".out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " ran over " + minutes
                    + " minutes:\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.filter(p -> !p.toString().contains("__pycache__")).toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
