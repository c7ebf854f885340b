package transferlab.contract.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import transferlab.contract.OurServers;
import transferlab.upload.UploadServers;
import transferlab.server.ServerLog;

/**
 * Issue 18's U10 race, shown gone: the contract's snapshot of the server's directory used to hash
 * each file it listed, and a correct server that deleted its temporary file in between made the
 * test itself throw NoSuchFileException, about 1 run in 20. Each U10 test of the contract runs 50
 * times against our thread-per-client server (which writes, then deletes, a temporary file on a
 * cut upload); every run must pass. Four runs at a time, to keep it to seconds.
 */
class NothingHalfWrittenFiftyTimesTest {
    static final int RUNS = 50;
    static final List<String> U10_TESTS = List.of("clientThatSendsHalfTheContentAndClosesLeavesNoFileAndNoTemporaryFile",
            "uploadCutByTheNetworkMidContentLeavesNoFileAndNoTemporaryFile", "anUploadUnderWayIsNotVisibleUnderItsName");

    /** The contract against one correct server; a nested class, so Surefire does not run it on its own. */
    static class AgainstThreadPerClient extends UploadContract {
        AgainstThreadPerClient() {
            super(new UploadServerFactory("thread-per-client", true, (dir, limits) -> OurServers.inProcess(
                    UploadServers.threadPerClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                            dir, ReferenceUploadServersTest.ours(limits), ServerLog.silent()), dir,
                    "thread-per-client")));
        }
    }

    @Test
    void eachU10TestPassesFiftyTimesOutOfFifty() throws Exception {
        Map<String, Integer> passed = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        TestExecutionListener counter = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (!test.isTest()) {
                    return;
                }
                String name = test.getDisplayName().replace("()", "");
                synchronized (passed) {
                    if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                        passed.merge(name, 1, Integer::sum);
                    } else {
                        failures.add(name + ": " + result.getThrowable().map(Throwable::toString).orElse("aborted"));
                    }
                }
            }
        };
        // One launch per run (a launch runs a selected method once), four launches at a time.
        ExecutorService launches = Executors.newFixedThreadPool(4);
        try {
            for (Future<?> launch : launches.invokeAll(IntStream.range(0, RUNS).mapToObj(run -> (Callable<Void>) () -> {
                LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                        .selectors(U10_TESTS.stream().map(name -> selectMethod(AgainstThreadPerClient.class, name))
                                .toList())
                        .build(), counter);
                return null;
            }).toList())) {
                launch.get();
            }
        } finally {
            launches.shutdownNow();
        }

        assertThat(failures).as("U10 runs that failed").isEmpty();
        assertThat(passed).as("passed runs per U10 test")
                .containsExactlyInAnyOrderEntriesOf(Map.of(U10_TESTS.get(0), RUNS, U10_TESTS.get(1), RUNS,
                        U10_TESTS.get(2), RUNS));
    }
}
