package transferlab.grading.classroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import transferlab.grading.CheckCommandLine;
import transferlab.grading.PythonStartersTest;
import transferlab.testkit.HeadlessChromium;
import transferlab.testkit.PythonPrograms;

/**
 * {@code ./transfer check-class} (issue 21, items 4 and 5) on twelve mixed stage 1 submissions,
 * four at a time: correct (Python, Java), partial (the starter as handed out, known-bad servers),
 * not compiling (Java, Python), not starting, and hostile (a hard-coded port, a flood of output, a
 * daemon that ignores SIGTERM, a server that writes outside its directory). Each gets its folder,
 * its row of grades.csv with the right status and reason, and the class page renders in headless
 * Chromium with each failed requirement linking to the students who failed it. A second run
 * skips everyone. To stay quick the gradings run one or two contract tests per requirement
 * ({@link PythonStartersTest#STAGE1_TESTS}), every requirement of stage 1 still graded.
 */
class ClassCheckTest {
    @TempDir
    Path work;

    @Test
    void twelveMixedSubmissionsAreGradedIntoACsvAndAClassPage() throws Exception {
        PythonPrograms.assumePython();
        Path submissions = work.resolve("submissions");
        HandIns.pythonDone(submissions.resolve("alice"));
        HandIns.pythonUnfinished(submissions.resolve("bob"));
        HandIns.python(submissions.resolve("carol"), "import socket\ndef main(:\n    pass\n");
        HandIns.javaTree(submissions.resolve("dave"));
        HandIns.javaTreeThatDoesNotCompile(submissions.resolve("erin"));
        HandIns.python(submissions.resolve("frank"), "import socketz\n");
        HandIns.python(submissions.resolve("grace"), """
                import socket
                listener = socket.socket()
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind(('127.0.0.1', 5000)); listener.listen()
                print('listening on 5000', flush=True)
                while True:
                    listener.accept()[0].close()
                """);
        HandIns.python(submissions.resolve("heidi"), """
                import sys, time
                for line in range(5000):
                    sys.stdout.write('x' * 4096 + '\\n')
                time.sleep(60)
                """);
        HandIns.withKitPrograms(submissions.resolve("ivan"));
        HandIns.python(submissions.resolve("ivan"), """
                import os, signal, sys, time
                if os.fork() == 0:
                    signal.signal(signal.SIGTERM, signal.SIG_IGN)
                    time.sleep(60)
                    sys.exit(0)
                os.execvp('python3', ['python3', %s] + sys.argv[1:])
                """.formatted(HandIns.programInHandIn("starters/stage1_server_done.py")));
        HandIns.pythonMutant(submissions.resolve("judy"), "upload_one_recv_content.py");
        HandIns.pythonMutant(submissions.resolve("ken"), "upload_leaves_partial_file.py");
        HandIns.withKitPrograms(submissions.resolve("leo"));
        HandIns.python(submissions.resolve("leo"), """
                import os, sys
                open(os.path.join(sys.argv[sys.argv.index('--dir') + 1], '..', 'escaped'), 'w').write('x')
                os.execvp('python3', ['python3', %s] + sys.argv[1:])
                """.formatted(HandIns.programInHandIn("starters/stage1_server_done.py")));
        Path grades = work.resolve("grades");

        String terminal = checkClass(submissions, grades);

        assertThat(terminal).contains("12 submissions, 12 to grade, 4 at a time").contains("[12/12]");
        Map<String, String[]> rows = rows(grades.resolve("grades.csv"));
        assertThat(rows.keySet()).containsExactly("#header", "alice", "bob", "carol", "dave", "erin", "frank", "grace",
                "heidi", "ivan", "judy", "ken", "leo");
        assertThat(row(rows, "alice", "status")).isEqualTo("graded");
        assertThat(row(rows, "alice", "total")).isEqualTo(row(rows, "alice", "max"));
        assertThat(row(rows, "dave", "total")).isEqualTo(row(rows, "dave", "max"));
        assertThat(row(rows, "bob", "status")).isEqualTo("graded");
        assertThat(Double.parseDouble(row(rows, "bob", "total"))).isLessThan(Double.parseDouble(row(rows, "bob",
                "max")));
        assertThat(row(rows, "carol", "status")).isEqualTo("did not build");
        assertThat(row(rows, "carol", "reason")).startsWith("SyntaxError");
        assertThat(row(rows, "erin", "status")).isEqualTo("did not build");
        assertThat(row(rows, "erin", "reason")).contains("UploadServerCommand.java:").contains("error: ';' expected");
        assertThat(row(rows, "frank", "status")).isEqualTo("did not start");
        assertThat(Files.readString(grades.resolve("frank/output.txt"))).startsWith("The server did not start:")
                .contains("ModuleNotFoundError: No module named 'socketz'");
        assertThat(row(rows, "grace", "status")).isEqualTo("did not start");
        // Listening on 5000, or (tests run side by side in one namespace) finding it taken: either way it says so.
        assertThat(grades.resolve("grace/output.txt")).content().startsWith("The server did not start:")
                .contains("5000");
        assertThat(row(rows, "heidi", "status")).isEqualTo("did not start");
        assertThat(row(rows, "ivan", "total")).isEqualTo(row(rows, "ivan", "max"));
        assertThat(row(rows, "leo", "status")).isEqualTo("graded");
        assertThat(row(rows, "judy", "U3")).isEqualTo("0");
        assertThat(row(rows, "judy", "U1")).isEqualTo("3");
        assertThat(row(rows, "ken", "U10")).isEqualTo("0");
        assertThat(row(rows, "ken", "U3")).isEqualTo("4");
        for (String student : rows.keySet().stream().skip(1).toList()) {
            assertThat(row(rows, student, "max")).as(student + "'s maximum").isEqualTo("19");
            for (String report : List.of("results.json", "junit.xml", "report.html", "output.txt")) {
                assertThat(grades.resolve(student).resolve(report)).as(student).isRegularFile();
            }
        }
        assertThat(grades.resolve("erin/report.html")).content().contains("<h2 class=\"reason\">");

        Optional<String> chromium = HeadlessChromium.find();
        if (chromium.isPresent()) {
            String dom = HeadlessChromium.dumpDom(chromium.get(), grades.resolve("index.html"), work);
            assertThat(dom).contains("<h1>stage1: 12 students, median ")
                    .contains("<table class=\"distribution\">")
                    .contains("<tr id=\"U3\"><td>U3</td><td class=\"failed\">")
                    .contains("<a href=\"judy/report.html\">judy</a>")
                    .contains("<td class=\"status\">did not build</td>");
        }

        String again = checkClass(submissions, grades);
        assertThat(again).contains("12 submissions, 0 to grade");
        assumeTrue(chromium.isPresent(), "chromium is not installed: the class page was not checked in a browser");
    }

    /**
     * One student's programs see neither the other students' hand-ins nor their reports: each
     * grading hides the class's submissions and grades folders. Under /tmp the box's private /tmp
     * hid them anyway; elsewhere (an instructor's home) a server read another student's results.json
     * and listed every hand-in. So this class lies outside /tmp and outside the kit (both hidden).
     */
    @Test
    void aStudentsProgramSeesNoOtherStudentsHandInOrReport() throws Exception {
        PythonPrograms.assumePython();
        assumeTrue(transferlab.grading.program.Sandbox.unavailableReason().isEmpty(), "needs the sandbox");
        Path outside = Path.of("/var/tmp");
        assumeTrue(Files.isDirectory(outside) && Files.isWritable(outside), "no writable /var/tmp");
        Path root = Files.createTempDirectory(outside, "transferlab-class-");
        try {
            Path submissions = root.resolve("submissions");
            Path grades = root.resolve("grades");
            HandIns.pythonUnfinished(submissions.resolve("alice")); // graded first (--jobs 1): her report exists
            HandIns.python(submissions.resolve("bob"), String.join("\n",
                    "import os",
                    "here = os.path.dirname(os.path.abspath(__file__))",
                    "submissions, grades = " + pythonPath(submissions) + ", " + pythonPath(grades),
                    "print('SNOOP hand-ins seen:', sorted(os.listdir(submissions)) if os.path.isdir(submissions)"
                            + " else 'none', flush=True)",
                    "print('SNOOP alice results:', 'read' if os.path.exists(os.path.join(grades, 'alice',"
                            + " 'results.json')) else 'unseen', flush=True)",
                    "raise SystemExit(1)", ""));

            assertThat(CheckCommandLine.run(new ClassCheckCommand(), submissions.toString(), "--stage", "stage1",
                    "--jobs", "1", "--out", grades.toString(), "--tests", "seedUploadIsStoredWhole")).isZero();

            assertThat(grades.resolve("alice/results.json")).exists();
            assertThat(Files.readString(grades.resolve("bob/output.txt")))
                    .contains("SNOOP hand-ins seen: []", "SNOOP alice results: unseen")
                    .doesNotContain("'alice'", "alice results: read");
        } finally {
            SubmissionGrading.deleteTree(root);
        }
    }

    /**
     * Checking a Python hand-in's syntax runs python3 outside the box, in the hand-in's folder: a
     * {@code traceback.py} there once ran as the grader (the check imports traceback), and could
     * have written any grade. Isolated mode keeps the folder off sys.path.
     */
    @Test
    void aPythonHandInsOwnModulesDoNotRunWhenItsSyntaxIsChecked() throws Exception {
        PythonPrograms.assumePython();
        Path handIn = HandIns.pythonDone(work.resolve("mallory"));
        Path escaped = work.resolve("escaped.txt");
        Files.writeString(handIn.resolve("traceback.py"), "open(" + pythonPath(escaped) + ", 'w').write('ran')\n");

        HandIn.Build build = HandIn.build(handIn, transferlab.grading.stage.StageProfile.load("stage1", null),
                Map.of(), Files.createDirectories(work.resolve("build")));

        assertThat(build.errors()).isEmpty();
        assertThat(escaped).as("a file the hand-in's traceback.py writes when it runs").doesNotExist();
    }

    private static String pythonPath(Path path) {
        return "'" + path.toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String checkClass(Path submissions, Path grades) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream before = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(CheckCommandLine.run(new ClassCheckCommand(), submissions.toString(), "--stage", "stage1",
                    "--jobs", "4", "--out", grades.toString(), "--tests", PythonStartersTest.STAGE1_TESTS.pattern())).isZero();
        } finally {
            System.setOut(before);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        return text;
    }

    private static Map<String, String[]> rows(Path csv) throws Exception {
        Map<String, String[]> rows = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        rows.put("#header", lines.get(0).split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            rows.put(fields[0], fields);
        }
        return rows;
    }

    private static String row(Map<String, String[]> rows, String student, String column) {
        int index = Arrays.asList(rows.get("#header")).indexOf(column);
        String[] fields = rows.get(student);
        String value = index == fields.length - 1 || column.equals("reason")
                ? String.join(",", Arrays.copyOfRange(fields, index, fields.length)) : fields[index];
        return value.startsWith("\"") ? value.substring(1, value.length() - 1).replace("\"\"", "\"") : value;
    }
}
