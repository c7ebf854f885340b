package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import transferlab.ft.FtClientCommand;
import transferlab.ft.FtServerCommand;
import transferlab.testkit.PythonPrograms;
import transferlab.update.UpdateClientCommand;
import transferlab.update.UpdateServerCommand;

/**
 * {@code ./transfer check ft|update --pair}: our own pairs (ftserver + ftclient, update-server +
 * update-client, each started as the launcher would, in a child JVM on this test's classpath) pass
 * every pair requirement; a pair with a known-bad Python client fails the requirement its bug
 * breaks and passes another.
 */
@Execution(ExecutionMode.CONCURRENT) // its grading runs mostly wait: several at once (tests/pom.xml)
class PairGradingTest {
    /** A child JVM on this test's classpath; C1 only, because these programs live for seconds. */
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java") + " -XX:TieredStopAtLevel=1 -cp "
            + System.getProperty("java.class.path");

    static final String OUR_FT_SERVER = JAVA + " " + FtServerCommand.class.getName() + " {port} --dir {dir}";

    @Test
    void ourFtServerAndClientPassEveryPairRequirement() {
        CheckResult result = gradePair(Protocol.FT, OUR_FT_SERVER,
                JAVA + " " + FtClientCommand.class.getName() + " {host} {port} {request} {dataport}", Set.of());

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", MutantsAreCaughtTest.report(result))
                .containsExactly("P-F1", "P-F2", "P-F3", "P-F4", "P-F5");
        assertThat(result.passed()).isTrue();
    }

    @Test
    void ourUpdateServerAndClientPassEveryPairRequirement() {
        CheckResult result = gradePair(Protocol.UPDATE, JAVA + " " + UpdateServerCommand.class.getName()
                + " --port {port} --outbox {dir}", JAVA + " " + UpdateClientCommand.class.getName()
                + " {host}:{port} --id {id} --dir {dir} --once", Set.of());

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", MutantsAreCaughtTest.report(result))
                .containsExactly("P-D1", "P-D2", "P-D3");
        assertThat(result.passed()).isTrue();
    }

    @Test
    void aPairWhoseClientOverwritesLocalFilesFailsPF5AndPassesPF3() {
        PythonPrograms.assumePython();
        CheckResult result = gradePair(Protocol.FT, OUR_FT_SERVER,
                python("ft_client_overwrites.py", "{host} {port} {request} {dataport}"),
                Set.of("P-F3", "P-F5"));

        assertThat(result.requirements(Verdict.FAIL)).as("the report:%n%s", MutantsAreCaughtTest.report(result))
                .containsExactly("P-F5");
        assertThat(result.requirements(Verdict.PASS)).containsExactly("P-F3");
    }

    @Test
    void aPairWhoseClientNeverAcknowledgesFailsPD1AndPassesPD3() {
        PythonPrograms.assumePython();
        CheckResult result = gradePair(Protocol.UPDATE,
                python("good_update_server.py", "{port} {dir}"),
                python("update_client_never_acks.py", "{host} {port} {id} {dir}"),
                Set.of("P-D1", "P-D3"));

        assertThat(result.requirements(Verdict.FAIL)).as("the report:%n%s", MutantsAreCaughtTest.report(result))
                .containsExactly("P-D1");
        assertThat(result.requirements(Verdict.PASS)).containsExactly("P-D3");
    }

    @Test
    void bothCommandsWithoutPairOrPairWithOneCommandIsAUsageError() {
        assertThat(CheckCommand.run("ft", "--server-cmd", "python3 s.py {port}", "--client-cmd", "python3 c.py"))
                .as("--server-cmd and --client-cmd without --pair").isEqualTo(2);
        assertThat(CheckCommand.run("ft", "--pair", "--server-cmd", "python3 s.py {port}"))
                .as("--pair without --client-cmd").isEqualTo(2);
    }

    private static String python(String mutant, String arguments) {
        return PythonPrograms.interpreter() + " " + PythonPrograms.mutant(mutant) + " " + arguments;
    }

    private static CheckResult gradePair(Protocol protocol, String serverCommand, String clientCommand,
                                         Set<String> only) {
        return SuiteRunner.run(new CheckPlan(protocol, CheckPlan.TargetSpec.pair(serverCommand, clientCommand), false,
                1, PointsTable.defaults(), only));
    }
}
