package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.ReflectionSupport;
import transferlab.testkit.Requirement;

/**
 * The points file (grader/src/main/resources/grading/points.csv) stays in step with the specs and
 * the contracts: every requirement a spec marks core or extension is listed with the same scope,
 * and every requirement a contract test cites is listed.
 */
class PointsFileTest {
    /** "| D1 | core |" (a table row), "- **F1 (core) —" or "- **R1** *core* —" (bullets). */
    static final Pattern MARKING = Pattern.compile(
            "(?m)^(?:\\|\\s*|-\\s*\\*\\*)((?:P-)?[UFDR]\\d+)(?:\\*\\*)?\\s*(?:\\|\\s*|\\(|\\*)(core|extension)\\b");
    static final Path SPECS = Path.of("..", "resources", "protocols");

    @Test
    void everyRequirementASpecMarksIsListedWithTheSameScope() throws IOException {
        PointsTable points = PointsTable.defaults();
        Map<String, String> marked = specMarkings();

        assertThat(marked).as("requirements marked core/extension in %s", SPECS.toAbsolutePath()).isNotEmpty();
        marked.forEach((id, scope) -> {
            assertThat(points.rule(id)).as("%s (marked %s in its spec) in %s", id, scope, points.source()).isPresent();
            assertThat(points.rule(id).get().scope().name().toLowerCase(java.util.Locale.ROOT))
                    .as("scope of %s: its spec says %s", id, scope).isEqualTo(scope);
        });
    }

    @Test
    void everyRequirementAContractCitesIsListed() {
        PointsTable points = PointsTable.defaults();
        Set<String> cited = new TreeSet<>();
        for (Class<?> type : ReflectionSupport.findAllClassesInPackage("transferlab.contract", c -> true, n -> true)) {
            for (Method method : type.getDeclaredMethods()) {
                Requirement requirement = method.getAnnotation(Requirement.class);
                if (requirement != null) {
                    cited.addAll(Set.of(requirement.value()));
                }
            }
        }

        assertThat(cited).as("requirement IDs cited by the contracts").isNotEmpty();
        assertThat(cited).allSatisfy(id -> assertThat(points.rule(id)).as("%s in %s", id, points.source()).isPresent());
    }

    @Test
    void aCountInATitleIsTheCountATestCitingItUses() {
        // R17 was titled "Eight clients" while its tests start sixteen: the title names what is tested.
        Pattern count = Pattern.compile("(?i)\\b(two|three|four|five|six|seven|eight|nine|ten|twelve|sixteen|"
                + "thirty-two|sixty-four)\\b");
        Map<String, Set<String>> testNames = new TreeMap<>();
        for (String packageName : Set.of("transferlab.contract", "transferlab.grading")) {
            for (Class<?> type : ReflectionSupport.findAllClassesInPackage(packageName, c -> true, n -> true)) {
                for (Method method : type.getDeclaredMethods()) {
                    Requirement requirement = method.getAnnotation(Requirement.class);
                    for (String id : requirement == null ? new String[0] : requirement.value()) {
                        testNames.computeIfAbsent(id, key -> new TreeSet<>()).add(method.getName());
                    }
                }
            }
        }
        for (PointsTable.Rule rule : PointsTable.defaults().rules()) {
            Matcher matcher = count.matcher(rule.title());
            while (matcher.find()) {
                String word = matcher.group(1).toLowerCase(java.util.Locale.ROOT).replace("-", "");
                assertThat(testNames.getOrDefault(rule.requirement(), Set.of()))
                        .as("tests citing %s, titled \"%s\"", rule.requirement(), rule.title())
                        .anyMatch(name -> name.toLowerCase(java.util.Locale.ROOT).contains(word));
            }
        }
    }

    static Map<String, String> specMarkings() throws IOException {
        Map<String, String> marked = new TreeMap<>();
        if (!Files.isDirectory(SPECS)) {
            return marked;
        }
        try (Stream<Path> specs = Files.list(SPECS)) {
            for (Path spec : (Iterable<Path>) specs.filter(p -> p.toString().endsWith(".md"))::iterator) {
                Matcher matcher = MARKING.matcher(Files.readString(spec));
                while (matcher.find()) {
                    marked.put(matcher.group(1), matcher.group(2));
                }
            }
        }
        return marked;
    }
}
