package transferlab.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, part 2: one meaning of done. A course teaches list/get in stage 1 or leaves it out, and
 * the student tree says which: with list/get, {@code check stage1} grades it (no "Ready to hand in"
 * while stage1.5 or stage1.6 is open); without, those TODOs ship done. Either way the README gives
 * each TODO the one command that runs exactly its tests.
 */
class FtChoiceTest {
    private static final String PROFILES = "grader/src/main/resources/grading/stages.csv";

    @TempDir
    Path out;

    @Test
    void withFtTheTreesCheckStage1GradesItWithoutTheFlagAndItsTodosAreTheStudents() {
        StudentTree tree = new StudentTree(StudentTree.kitRoot());
        Map<String, byte[]> files = tree.files(Set.of());
        assertThat(stage1Parts(files)).filteredOn(part -> part.contains("ft-")).hasSize(2)
                .allSatisfy(part -> assertThat(part.split("\\s*,\\s*")[2]).isEqualTo("-"));
        assertThat(text(files, "single-client/src/main/java/transferlab/ft/FtRequest.java"))
                .contains("TODO(stage1.5)");
        assertThat(text(files, StudentTree.CLASSROOM_WORKFLOW)).contains("id: stage1-ft-server", "id: stage1-ft-client",
                "STAGE1-FT-SERVER_RESULTS", "runners: stage1-upload-server,stage1-ft-server,stage1-ft-client,");
        String readme = text(files, "README.md");
        assertThat(readme).contains(StudentTree.FT_IN_STAGE_ONE, "| stage1.5 |", "| stage1.6 |")
                .doesNotContain(StudentTree.TODO_TABLE, StudentTree.TODO_COMMANDS, StudentTree.FT_NOTE);
        for (TodoCatalogue.Todo todo : tree.todos().all()) {
            assertThat(readme).contains("    # " + todo.id() + "\n    " + TodoCatalogue.command(todo) + "\n");
        }
        assertThat(TodoCatalogue.command(tree.todos().get("stage1.1"))).isEqualTo("mvn -q -pl single-client -am "
                + "verify -Dtest='UploadHandlerTest#aHeaderThatArrivesInPiecesIsReadWholeSoATooLongNameIsRefusedNotCutShort'"
                + " -Dsurefire.failIfNoSpecifiedTests=false");
    }

    @Test
    void withoutFtItsRegionsShipDoneTheReadmeSaysSoAndNothingElseLeaks() throws Exception {
        StudentTree tree = new StudentTree(StudentTree.kitRoot(), false);
        Map<String, byte[]> files = tree.write(out);
        assertThat(stage1Parts(files)).filteredOn(part -> part.contains("ft-")).hasSize(2)
                .allSatisfy(part -> assertThat(part.split("\\s*,\\s*")[2]).isEqualTo("ft"));
        // GitHub Classroom's steps add up to what check stage1 grades there: no list/get step.
        String workflow = text(files, StudentTree.CLASSROOM_WORKFLOW);
        assertThat(workflow).doesNotContain("ft-server", "ft-client", "FT-SERVER", "FT-CLIENT")
                .contains("id: stage1-upload-server", "STAGE1-UPLOAD-SERVER_RESULTS",
                        "runners: stage1-upload-server,stage2-upload-server,");
        assertThat(workflow.lines().filter(line -> line.startsWith("      - name: "))).hasSize(3 + 6 + 1);
        for (String path : List.of("single-client/src/main/java/transferlab/ft/FtRequest.java",
                "single-client/src/main/java/transferlab/ft/DataConnection.java")) {
            assertThat(text(files, path)).isEqualTo(tree.sources().get(path).render(StudentTree.FT_TODOS));
        }
        assertThat(tree.shippedTodos()).extracting(TodoCatalogue.Todo::id).doesNotContain("stage1.5", "stage1.6")
                .contains("stage1.4", "stage2.1");
        assertThat(text(files, "README.md")).contains(StudentTree.FT_NOT_TAUGHT)
                .doesNotContain("| stage1.5 |", "# stage1.6").contains("| stage1.4 |", "# stage1.4");
        assertThat(new LeakScan(tree).scan(out)).isEmpty();
    }

    private static List<String> stage1Parts(Map<String, byte[]> files) {
        return text(files, PROFILES).lines().filter(line -> line.startsWith("stage1,")).toList();
    }

    private static String text(Map<String, byte[]> files, String path) {
        assertThat(files).containsKey(path);
        return StudentTree.text(files.get(path));
    }
}
