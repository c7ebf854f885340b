package transferlab.grading.classroom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One student's line of the class: what check-class writes into {@code GRADES/<student>/summary.json}
 * when the grading is over, and reads back for {@code grades.csv}, {@code index.html} and to skip a
 * graded student on the next run.
 *
 * @param status    graded, did not build, did not start, timed out
 * @param reason    for a status other than graded: the one top-level reason (javac's lines, Python's
 *                  traceback, why the server did not start)
 * @param points    requirement to points earned, every requirement of the stage graded
 * @param maxPoints requirement to points at stake
 */
public record SubmissionSummary(String student, String kind, String status, String reason, Map<String, Double> points,
                                Map<String, Double> maxPoints, double score, double maxScore, double seconds) {
    public static final String GRADED = "graded";
    public static final String DID_NOT_BUILD = "did not build";
    public static final String DID_NOT_START = "did not start";
    public static final String TIMED_OUT = "timed out";
    static final String FILE = "summary.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SubmissionSummary {
        points = new LinkedHashMap<>(points);
        maxPoints = new LinkedHashMap<>(maxPoints);
    }

    /**
     * The reason in one line: the first line that names an error (javac's "X.java:12: error: ...",
     * Python's "SyntaxError: ..."), else the line after the heading, else the heading; empty if none.
     */
    public String headline() {
        java.util.List<String> lines = reason.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        return lines.stream().skip(1).filter(line -> line.contains("error:") || line.matches(".*\\w+Error\\b.*"))
                .findFirst().orElse(lines.size() > 1 ? lines.get(1) : lines.isEmpty() ? "" : lines.get(0));
    }

    void write(Path studentDir) throws IOException {
        JSON.writeValue(studentDir.resolve(FILE).toFile(), this);
    }

    /** The summary a finished grading left in {@code studentDir}, if any. */
    static Optional<SubmissionSummary> read(Path studentDir) {
        Path file = studentDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), SubmissionSummary.class));
        } catch (IOException e) {
            return Optional.empty(); // a grading cut off while writing: grade again
        }
    }
}
