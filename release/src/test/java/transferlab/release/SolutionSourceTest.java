package transferlab.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The solution markers' grammar, and what a student gets in place of a region. */
class SolutionSourceTest {
    private static final String FILE = """
            class Sizes {
                int size() {
                    // BEGIN SOLUTION
                    // TODO(stage1.9): return the size — U3
                    int n = 42;
                    return n;
                    // END SOLUTION
                }
                String name() {
                    // BEGIN SOLUTION
                    // TODO(stage1.10): the name — U8
                    // STUB: return "";
                    // STUB: // (an empty name is refused)
                    return "plain";
                    // END SOLUTION
                }
            }
            """;

    @Test
    void aRegionBecomesItsTodoAndItsStubOrAThrowWithTheTodoText() {
        String student = SolutionSource.parse("Sizes.java", FILE).render(Set.of());
        assertThat(student).contains("""
                        // TODO(stage1.9): return the size — U3
                        throw new UnsupportedOperationException("TODO(stage1.9): return the size — U3");
                    }
                """);
        assertThat(student).contains("""
                        // TODO(stage1.10): the name — U8
                        return "";
                        // (an empty name is refused)
                    }
                """);
        assertThat(student).doesNotContain("42", "plain", "SOLUTION", "STUB");
    }

    @Test
    void restoringARegionGivesTheReferenceWithoutMarkers() {
        SolutionSource source = SolutionSource.parse("Sizes.java", FILE);
        assertThat(source.regions()).extracting(SolutionSource.Region::id).containsExactly("stage1.9", "stage1.10");
        String both = source.render(Set.of("stage1.9", "stage1.10"));
        assertThat(both).isEqualTo(FILE.lines().filter(line -> !line.contains("SOLUTION") && !line.contains("TODO(")
                && !line.contains("STUB:")).map(line -> line + "\n").reduce("", String::concat));
        assertThat(source.render(Set.of("stage1.9"))).contains("int n = 42;").doesNotContain("\"plain\"");
    }

    @Test
    void aBrokenMarkerNamesTheFileAndTheLine() {
        assertThatThrownBy(() -> SolutionSource.parse("A.java", "// BEGIN SOLUTION\nint x;\n// END SOLUTION\n"))
                .hasMessageStartingWith("A.java:2: BEGIN SOLUTION must be followed by");
        assertThatThrownBy(() -> SolutionSource.parse("A.java", "x\n// BEGIN SOLUTION\n// TODO(stage1.1): a — U1\n"))
                .hasMessage("A.java:2: BEGIN SOLUTION without END SOLUTION");
        assertThatThrownBy(() -> SolutionSource.parse("A.java", "// END SOLUTION\n"))
                .hasMessage("A.java:1: END SOLUTION without BEGIN SOLUTION");
        assertThatThrownBy(() -> SolutionSource.parse("A.java",
                "// BEGIN SOLUTION\n// TODO(stage1.1): a — U1\n// BEGIN SOLUTION\n// END SOLUTION\n"))
                .hasMessage("A.java:3: BEGIN SOLUTION inside another region");
    }

    @Test
    void pythonRegionsUseHashCommentsAndRaiseNotImplementedError() {
        String python = "def serve(port):\n    # BEGIN SOLUTION\n    # TODO(stage1.4): the accept loop — U5\n"
                + "    while True:\n        pass\n    # END SOLUTION\n";
        assertThat(SolutionSource.parse("server.py", python).render(Set.of())).isEqualTo("def serve(port):\n"
                + "    # TODO(stage1.4): the accept loop — U5\n"
                + "    raise NotImplementedError(\"TODO(stage1.4): the accept loop — U5\")\n");
    }

    /** Issue 19, part 5: a stub carries only the imports it uses; the solution's go with it. */
    @Test
    void aStubbedJavaFileKeepsOnlyTheImportsItStillUses() {
        String file = """
                package p;

                import java.security.MessageDigest;
                import java.util.List;
                import java.util.Map;
                import java.util.concurrent.*;
                import static java.lang.Math.max;

                /** Sizes, see {@link Map}. */
                class Hashing {
                    List<String> names() {
                        return List.of();
                    }
                    int hash() {
                        // BEGIN SOLUTION
                        // TODO(stage1.3): hash it — U3
                        MessageDigest sha256 = null;
                        return max(1, 2);
                        // END SOLUTION
                    }
                }
                """;
        SolutionSource source = SolutionSource.parse("p/Hashing.java", file);
        assertThat(source.render(Set.of())).doesNotContain("import java.security.MessageDigest;",
                        "import static java.lang.Math.max;")
                .contains("import java.util.List;", "import java.util.Map;", "import java.util.concurrent.*;");
        assertThat(source.render(Set.of("stage1.3"))).contains("import java.security.MessageDigest;",
                "import static java.lang.Math.max;");
        assertThat(SolutionSource.parse("p/hashing.py", file.replace("//", "#")).render(Set.of()))
                .as("Python starters keep their imports (their 'for your TODOs' notes)")
                .contains("import java.security.MessageDigest;");
    }
}
