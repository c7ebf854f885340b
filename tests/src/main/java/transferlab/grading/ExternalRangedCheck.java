package transferlab.grading;

import java.nio.file.Path;
import java.util.Map;
import transferlab.testkit.ServerUnderTest;
import transferlab.contract.ranged.RangedContract;

/**
 * The protocol R contract, run by {@code ./transfer check ranged} against a server started from
 * {@code --server-cmd "... {port} {dir}"}: {@code {port}} is its HTTP control port, {@code {dir}}
 * the root it serves, which the suite fills with the files it downloads.
 * With {@code --target} nothing applies: the suite must choose the files a server serves.
 */
public final class ExternalRangedCheck extends RangedContract {
    @Override
    protected ServerUnderTest startServer(Path root) {
        return CheckTarget.current().startServerOverSuiteFiles(root,
                "protocol R is graded only with --server-cmd: the suite puts the files it downloads into the "
                        + "served root {dir}", Map.of());
    }
}
