package transferlab.contract.upload;

import java.io.IOException;
import java.nio.file.Path;
import transferlab.testkit.ServerUnderTest;

/**
 * One upload server the {@link UploadContract} runs against: a display name, whether it serves
 * clients at the same time, and how to start it fresh in a directory with given limits.
 *
 * <p>Adding a server to the suite is one line in a list of these, e.g.
 * <pre>
 *   new UploadServerFactory("iterative", false, (dir, limits) -> new InProcessServer(…, dir, "iterative"))
 * </pre>
 *
 * @param name       shown as the parameter in test reports
 * @param concurrent true if a client paused after "go ahead" does not hold up the next one
 * @param starter    starts the server storing into the directory, with the limits the test chose
 */
public record UploadServerFactory(String name, boolean concurrent, Starter starter) {
    /** Starts one server; it is closed by the test that started it. */
    @FunctionalInterface
    public interface Starter {
        ServerUnderTest start(Path directory, UploadTestLimits limits) throws IOException;
    }

    @Override
    public String toString() {
        return name;
    }
}
