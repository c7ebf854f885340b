package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The Maven entry of {@code ./transfer check}, for CI: it runs the same {@link CheckCommand} with
 * arguments taken from system properties, and fails the build unless every graded requirement
 * passed. It runs only when {@code -Dcheck.protocol} is given:
 *
 * <pre>
 *   mvn -B -pl tests -am verify -Dtest=CheckFromMavenTest -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dcheck.protocol=upload -Dcheck.serverCmd="python3 $PWD/server.py {port} {dir}"
 * </pre>
 * Properties: {@code check.protocol} (upload, ft, update, ranged) and one of {@code check.serverCmd},
 * {@code check.clientCmd}, {@code check.target}; optional {@code check.extensions=true},
 * {@code check.iterative=true}, {@code check.pair=true} (with both commands), {@code check.timeoutFactor},
 * {@code check.only}, {@code check.points}, {@code check.junitXml}, {@code check.gradescope}, {@code check.html},
 * {@code check.repeat}, {@code check.network}, {@code check.timeLimit}, {@code check.storedName}. Surefire runs in
 * tests/, so give programs and
 * output files as absolute paths.
 */
@EnabledIfSystemProperty(named = "check.protocol", matches = ".+")
class CheckFromMavenTest {
    @Test
    void theGradedImplementationPassesEveryGradedRequirement() {
        List<String> args = new ArrayList<>();
        args.add(System.getProperty("check.protocol"));
        option(args, "check.serverCmd", "--server-cmd");
        option(args, "check.clientCmd", "--client-cmd");
        option(args, "check.target", "--target");
        option(args, "check.timeoutFactor", "--timeout-factor");
        option(args, "check.only", "--only");
        option(args, "check.points", "--points");
        option(args, "check.storedName", "--stored-name");
        option(args, "check.junitXml", "--junit-xml");
        option(args, "check.gradescope", "--gradescope");
        option(args, "check.html", "--html");
        option(args, "check.repeat", "--repeat");
        option(args, "check.network", "--network");
        option(args, "check.timeLimit", "--time-limit");
        flag(args, "check.extensions", "--extensions");
        flag(args, "check.iterative", "--iterative");
        flag(args, "check.pair", "--pair");

        int status = CheckCommand.run(args.toArray(String[]::new));

        assertThat(status).as("./transfer check %s: exit status (the report above says which requirement failed)",
                String.join(" ", args)).isZero();
    }

    private static void option(List<String> args, String property, String option) {
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            args.add(option);
            args.add(value);
        }
    }

    private static void flag(List<String> args, String property, String option) {
        if (Boolean.parseBoolean(System.getProperty(property, "false"))) {
            args.add(option);
        }
    }
}
