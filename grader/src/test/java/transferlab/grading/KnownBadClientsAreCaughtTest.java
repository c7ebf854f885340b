package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import transferlab.testkit.PythonPrograms;

/**
 * Proof that the client checks have teeth ({@code ./transfer check ft|update|ranged --client-cmd}):
 * each known-bad client of tests/python/mutants (one typical student bug each) is graded through
 * the real runner and must FAIL the requirement its bug breaks and PASS another one; the good
 * client each was derived from passes its protocol's whole client check, and seed 000's own client
 * (tests/python/seed000/client.py) passes the core of the ranged one. To stay quick, a
 * known-bad client is graded only on those two requirements (--only, --tests).
 */
@Execution(ExecutionMode.CONCURRENT) // its grading runs mostly wait: several at once (tests/pom.xml)
class KnownBadClientsAreCaughtTest {
    static final String FT = "{host} {port} {request} {dataport}";
    static final String UPDATE = "{host} {port} {id} {dir}";
    static final String RANGED = "{address} {threads} {file} {ofile}";

    /**
     * A known-bad client, its arguments template, the contract tests it is graded on (a regular
     * expression on method names), the requirement it must fail and one it must pass, and the
     * timeout factor (a client that hangs is graded with short timeouts, to fail in seconds).
     */
    record BadClient(String program, Protocol protocol, String arguments, String tests, String mustFail,
                     String mustPass, double timeoutFactor) {
        @Override
        public String toString() {
            return program + " fails " + mustFail + ", passes " + mustPass;
        }
    }

    static Stream<BadClient> badClients() {
        return Stream.of(
                new BadClient("ft_client_one_recv_answer.py", Protocol.FT, FT,
                        "anAnswerSplitIntoOneBytePieces.*|aMissingFile.*", "F21", "F25", 1),
                // The server's connection is refused; the client then waits in accept() until killed (3 s).
                new BadClient("ft_client_listens_after_ok.py", Protocol.FT, FT,
                        "theClientListensBefore.*|aLocalFile.*", "F20", "F22", 0.1),
                new BadClient("ft_client_overwrites.py", Protocol.FT, FT,
                        "aLocalFile.*|aMissingFile.*", "F22", "F25", 1),
                new BadClient("ft_client_takes_any_data_connection.py", Protocol.FT, FT,
                        "aConnectionToTheDataPort.*|aMissingFile.*", "F24", "F25", 1),
                new BadClient("update_client_never_acks.py", Protocol.UPDATE, UPDATE,
                        "theClientAcknowledges.*|aQueuedFileIsStored.*", "D8", "D4", 0.3),
                new BadClient("update_client_one_recv_header.py", Protocol.UPDATE, UPDATE,
                        "framesSplit.*|aQueuedFileIsStored.*", "D1", "D4", 1),
                new BadClient("update_client_stores_held_files_again.py", Protocol.UPDATE, UPDATE,
                        "aFileTheClientAlreadyHolds.*|theClientAcknowledges.*", "D15", "D8", 1),
                new BadClient("update_client_skips_hash_check.py", Protocol.UPDATE, UPDATE,
                        "aFileWhoseHashDoesNotMatch.*|aQueuedFileIsStored.*", "D7", "D4", 1),
                new BadClient("ranged_client_block_size_off_by_one.py", Protocol.RANGED, RANGED,
                        "eightDownloadsAtOnce.*|.*LeaveNoFileBehind", "R6", "R15", 1),
                new BadClient("ranged_client_ignores_md5.py", Protocol.RANGED, RANGED,
                        ".*FailWithANonZeroExitStatus|aBlockWhoseConnection.*", "R6", "R14", 1),
                new BadClient("ranged_client_no_retry.py", Protocol.RANGED, RANGED,
                        "aBlockWhoseConnection.*|.*LeaveNoFileBehind", "R14", "R15", 1),
                new BadClient("ranged_client_keeps_bad_output.py", Protocol.RANGED, RANGED,
                        ".*LeaveNoFileBehind|.*FailWithANonZeroExitStatus", "R15", "R6", 1));
    }

    /**
     * A client whose port is fixed in its code ({@code --client-port}) reaches the recording proxy
     * whatever it is told: the faults of F20/F21's tests lie behind that proxy, so it meets them
     * too. (They once sat on a port of their own, and a one-recv client with a fixed port passed.)
     */
    @org.junit.jupiter.api.Test
    void aClientWithAFixedPortMeetsTheNetworksFaultsToo() throws Exception {
        PythonPrograms.assumePython();
        int port = transferlab.testkit.LoopbackPorts.freeIn(63000, 65535);
        String command = PythonPrograms.interpreter() + " " + PythonPrograms.mutant("ft_client_one_recv_answer.py")
                + " {host} " + port + " {request} {dataport}";

        CheckResult result = SuiteRunner.run(new CheckPlan(Protocol.FT, CheckPlan.TargetSpec.clientCommand(command),
                true, 1, PointsTable.defaults(), Set.of("F21")).withTests("anAnswerSplitIntoOneBytePieces.*")
                .withPorts(transferlab.grading.program.Ports.ANY.withClient(port)));

        assertThat(result.requirements(Verdict.FAIL)).as("the report:%n%s", MutantsAreCaughtTest.report(result))
                .containsExactly("F21");
    }

    /** The good clients the known-bad ones came from, graded on their protocol's whole client check. */
    /** A good client, graded with or without the extensions, and the requirements it must pass. */
    record GoodClient(String program, Protocol protocol, String arguments, boolean extensions,
                      Set<String> requirements) {
        @Override
        public String toString() {
            return program + " passes " + new java.util.TreeSet<>(requirements);
        }
    }

    static Stream<GoodClient> goodClients() {
        return Stream.of(
                new GoodClient("../ftclient_seed003.py", Protocol.FT, FT, true,
                        Set.of("F20", "F21", "F22", "F23", "F24", "F25")),
                new GoodClient("../update_client_seed002.py", Protocol.UPDATE, UPDATE, true,
                        Set.of("D1", "D4", "D7", "D8", "D15")),
                new GoodClient("good_ranged_client.py", Protocol.RANGED, RANGED, true,
                        Set.of("R6", "R14", "R15")),
                // The seed's own client as it behaves (no retries, parts joined with cat): its core passes.
                new GoodClient("../seed000/client.py", Protocol.RANGED, RANGED, false, Set.of("R6")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badClients")
    void eachKnownBadClientFailsItsNamedRequirementAndPassesAnother(BadClient bad) {
        PythonPrograms.assumePython();
        String command = PythonPrograms.interpreter() + " " + PythonPrograms.mutant(bad.program()) + " "
                + bad.arguments();

        CheckResult result = SuiteRunner.run(new CheckPlan(bad.protocol(), CheckPlan.TargetSpec.clientCommand(command),
                true, bad.timeoutFactor(), PointsTable.defaults(), Set.of(bad.mustFail(), bad.mustPass()))
                .withTests(bad.tests()));

        String report = MutantsAreCaughtTest.report(result);
        assertThat(result.requirements(Verdict.FAIL)).as("the failed requirements; the report:%n%s", report)
                .containsExactly(bad.mustFail());
        assertThat(result.requirements(Verdict.PASS)).as("the passed requirements; the report:%n%s", report)
                .containsExactly(bad.mustPass());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodClients")
    void theGoodClientPassesTheWholeClientCheck(GoodClient good) {
        PythonPrograms.assumePython();
        String command = PythonPrograms.interpreter() + " " + PythonPrograms.mutant(good.program()) + " "
                + good.arguments();

        CheckResult result = SuiteRunner.run(new CheckPlan(good.protocol(), CheckPlan.TargetSpec.clientCommand(command),
                good.extensions(), 1, PointsTable.defaults(), Set.of()));

        assertThat(result.requirements(Verdict.PASS)).as("the report:%n%s", MutantsAreCaughtTest.report(result))
                .containsExactlyInAnyOrderElementsOf(good.requirements());
        assertThat(result.passed()).isTrue();
    }
}
