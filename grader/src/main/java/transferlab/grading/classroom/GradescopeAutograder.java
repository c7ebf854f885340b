package transferlab.grading.classroom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import transferlab.grading.CheckCommandLine;
import transferlab.grading.PointsTable;
import transferlab.grading.program.CommandLineTemplate;
import transferlab.grading.stage.StageCheck;
import transferlab.grading.stage.StageProfile;

/**
 * {@code ./transfer release autograder OUT --stage STAGE}: a Gradescope autograder for one stage.
 * OUT gets {@code setup.sh} and {@code run_autograder} (from grading/gradescope/ in this module's
 * resources), {@code kit/} (this kit's sources: the image builds it once) and
 * {@code autograder.zip} with all three at its root, as Gradescope expects.
 *
 * <pre>
 *   $ ./transfer release autograder ../gradescope-stage1 --stage stage1
 *   wrote ../gradescope-stage1/autograder.zip (setup.sh, run_autograder, kit: 402 files) for stage1:
 *   it runs "check-class SUBMISSION --single --stage stage1 --out GRADES --timeout-factor 2"
 * </pre>
 * What it runs on a hand-in is {@link ClassCheckCommand} {@code --single}: a student tree, the Python
 * starters, or the instructor's {@code --cmd} templates, as {@link HandIn} tells them apart.
 */
@Command(name = "autograder", mixinStandardHelpOptions = true,
        description = {"Write a Gradescope autograder for a stage into OUT: setup.sh, run_autograder, the kit, "
                + "and autograder.zip (upload it as the assignment's autograder)."},
        footer = {"", "Examples:", "  ./transfer release autograder ../gs-stage1 --stage stage1",
            "  ./transfer release autograder ../gs-stage1 --stage stage1 \\",
            "      --cmd upload-server=\"cd {submission} && ./server {port} {dir}\""})
public final class GradescopeAutograder implements Callable<Integer> {
    static final String RESOURCES = "/grading/gradescope/";
    static final Set<String> NOT_SHIPPED = Set.of("target", ".git", ".idea", ".vscode", "__pycache__", "received",
            "node_modules");

    @Parameters(index = "0", paramLabel = "OUT", description = "a new or empty folder")
    Path out;

    @Option(names = "--stage", required = true, paramLabel = "STAGE", description = "stage1, stage2 or stage3")
    String stage;

    @Option(names = "--cmd", paramLabel = "PART=TEMPLATE",
            description = "another language: a part's command, {submission} for the hand-in's folder")
    Map<String, String> templates = new LinkedHashMap<>();

    @Option(names = "--points", paramLabel = "FILE", description = "points file (default: the kit's own)")
    Path pointsFile;

    @Option(names = "--timeout-factor", paramLabel = "F", defaultValue = "2",
            description = "every timeout of the suite times F on Gradescope's machines (default: ${DEFAULT-VALUE})")
    double timeoutFactor;

    @Option(names = "--visibility", paramLabel = "WHEN", defaultValue = "visible",
            description = "results.json's visibility: visible, hidden, after_due_date, after_published")
    String visibility;

    @Option(names = "--tests", paramLabel = "REGEX", hidden = true,
            description = "only the contract tests whose method name matches (the kit's own tests)")
    String tests;

    @Override
    public Integer call() throws IOException {
        StageProfile.load(stage, null); // an unknown stage is an error now, not on Gradescope
        if (pointsFile != null) {
            PointsTable.load(pointsFile);
        }
        Map<String, byte[]> files = files();
        if (Files.exists(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(out + " exists and is not empty; name a new folder");
                }
            }
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = out.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue());
            if (file.getKey().equals("setup.sh") || file.getKey().equals("run_autograder")
                    || file.getKey().equals("kit/transfer")) {
                target.toFile().setExecutable(true, false);
            }
        }
        Path zip = out.resolve("autograder.zip");
        try (ZipOutputStream zipped = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                zipped.putNextEntry(new ZipEntry(file.getKey()));
                zipped.write(file.getValue());
                zipped.closeEntry();
            }
        }
        System.out.println("wrote " + zip + " (setup.sh, run_autograder, kit: " + (files.size() - 2) + " files) for "
                + stage + ":\n  it runs \"check-class SUBMISSION --single --stage " + stage + " --out GRADES "
                + String.join(" ", shownOptions()) + "\"");
        return CheckCommandLine.OK;
    }

    /** Every file of the autograder, path in the zip to content. */
    Map<String, byte[]> files() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("setup.sh", resource("setup.sh").getBytes(StandardCharsets.UTF_8));
        String script = resource("run_autograder").replace("@STAGE@", stage)
                .replace("@SHOWN_OPTIONS@", String.join(" ", shownOptions()))
                .replace("@OPTIONS@", String.join(" ", options()));
        files.put("run_autograder", script.getBytes(StandardCharsets.UTF_8));
        if (pointsFile != null) {
            files.put("points.csv", Files.readAllBytes(pointsFile));
        }
        Path kit = StageCheck.kitRoot();
        for (String file : kitFiles(kit)) {
            files.put("kit/" + file, Files.readAllBytes(kit.resolve(file)));
        }
        return files;
    }

    /** The options of check-class as the script's array: each word quoted for bash. */
    private List<String> options() {
        List<String> words = new ArrayList<>();
        for (String word : shownOptions()) {
            words.add(word.equals("POINTS") ? "\"$root/source/points.csv\"" : CommandLineTemplate.shellQuoted(word));
        }
        return words;
    }

    private List<String> shownOptions() {
        List<String> words = new ArrayList<>(List.of("--timeout-factor", number(timeoutFactor), "--visibility",
                visibility));
        templates.forEach((part, template) -> words.addAll(List.of("--cmd", part + "=" + template)));
        if (pointsFile != null) {
            words.addAll(List.of("--points", "POINTS"));
        }
        if (tests != null) {
            words.addAll(List.of("--tests", tests));
        }
        return words;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** The kit's sources, relative and '/'-separated: build output, VCS data and editors' files aside. */
    static List<String> kitFiles(Path kit) throws IOException {
        try (Stream<Path> walk = Files.walk(kit)) {
            return walk.filter(Files::isRegularFile).map(kit::relativize)
                    .filter(path -> {
                        for (Path part : path) {
                            if (NOT_SHIPPED.contains(part.toString())) {
                                return false;
                            }
                        }
                        String name = path.getFileName().toString();
                        return !name.endsWith(".class") && !name.endsWith(".iml") && !name.endsWith(".pyc");
                    })
                    .map(path -> path.toString().replace('\\', '/')).sorted().toList();
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = GradescopeAutograder.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCES + name + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public static void main(String[] args) {
        System.exit(CheckCommandLine.run(new GradescopeAutograder(), args));
    }
}
