package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import transferlab.testkit.Requirement;

/**
 * Issue 10, honest totals: a client's check lists only what it grades. The server's requirements of
 * the protocol, which no client test covers, are left out of its report and out of its maximum,
 * instead of a page of N/A noise. A server's check still lists every requirement it grades.
 */
class ClientCheckReportTest {
    /** A client check with one test, that passes without running anything. */
    @ExtendWith(CheckRunExtension.class)
    static class OneClientRequirement {
        @Test
        @Requirement("F21")
        void theClientKeepsTheSeedsMessages() {
            assertThat(true).as("nothing to run: the report is what this test is about").isTrue();
        }
    }

    @Test
    void aClientsReportLeavesTheServersRequirementsOut() {
        CheckPlan plan = new CheckPlan(Protocol.FT, CheckPlan.TargetSpec.clientCommand("true"), true, 1,
                PointsTable.defaults(), Set.of());

        CheckResult result = SuiteRunner.run(plan, List.of(OneClientRequirement.class));

        assertThat(result.verdicts()).extracting(RequirementVerdict::requirement).containsExactly("F21");
        assertThat(result.count(Verdict.NOT_APPLICABLE)).isZero();
        assertThat(result.maxScore()).isEqualTo(PointsTable.defaults().rule("F21").orElseThrow().points());
    }
}
