package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import transferlab.grading.program.CheckTarget;
import transferlab.grading.program.Ports;

/**
 * {@code --port-range}, {@code --server-port}, {@code --client-port}: every port the grader hands
 * out lies in the range, and a contradictory command line is a usage error (exit 2).
 */
class PortOptionsTest {
    @Test
    void everyPortHandedOutLiesInTheRange() throws Exception {
        CheckTarget target = CheckTarget.clientCommand("python3 client.py {host} {port} {file}", Path.of("logs"))
                .withPorts(Ports.range("40100-40199"));

        for (int i = 0; i < 20; i++) {
            assertThat(target.freePort()).as("{port}, {dataport}").isBetween(40100, 40199);
            assertThat(target.referencePort()).as("our reference server's").isBetween(40100, 40199);
            assertThat(target.ports().forOurListener()).as("a proxy's").isBetween(40100, 40199);
        }
    }

    @Test
    void aFixedClientPortIsWhereOurServerListens() throws Exception {
        CheckTarget target = CheckTarget.clientCommand("python3 client.py {name}", Path.of("logs"))
                .withPorts(Ports.ANY.withClient(40321));

        assertThat(target.referencePort()).isEqualTo(40321);
    }

    @Test
    void aFixedPortOrARunningServerMeansOneTestAtATimeWhateverTheOptionSays() {
        CheckPlan plan = new CheckPlan(Protocol.UPLOAD, CheckPlan.TargetSpec.serverCommand("python3 s.py"), false, 1,
                PointsTable.defaults(), java.util.Set.of()).withTestsAtOnce(4);

        assertThat(plan.effectiveTestsAtOnce()).isEqualTo(4);
        assertThat(plan.withPorts(Ports.ANY.withServer(40322)).effectiveTestsAtOnce()).isEqualTo(1);
        assertThat(plan.withPorts(Ports.ANY.withClient(40323)).effectiveTestsAtOnce()).isEqualTo(1);
        assertThat(plan.withPorts(Ports.range("40100-40199")).effectiveTestsAtOnce()).isEqualTo(4);
        assertThat(new CheckPlan(Protocol.UPLOAD, new CheckPlan.TargetSpec(CheckTarget.Kind.RUNNING_SERVER,
                "127.0.0.1:40324"), false, 1, PointsTable.defaults(), java.util.Set.of()).withTestsAtOnce(4)
                .effectiveTestsAtOnce()).as("--target: one server for every test").isEqualTo(1);
    }

    @Test
    void contradictoryOrMalformedPortOptionsAreUsageErrors() {
        assertThat(CheckCommand.run("upload", "--server-cmd", "python3 s.py {port}", "--server-port", "12000"))
                .as("--server-port for a command that takes {port}").isEqualTo(2);
        assertThat(CheckCommand.run("ft", "--client-cmd", "python3 c.py", "--port-range", "65000-40000"))
                .as("a range upside down").isEqualTo(2);
        assertThat(CheckCommand.run("ft", "--client-cmd", "python3 c.py", "--port-range", "40000"))
                .as("not a range").isEqualTo(2);
        assertThat(CheckCommand.run("upload", "--server-cmd", "python3 s.py {port}", "--file-names", "a.txt"))
                .as("--file-names outside ft --pair").isEqualTo(2);
        assertThatThrownBy(() -> Ports.range("0-10")).isInstanceOf(IllegalArgumentException.class);
    }
}
