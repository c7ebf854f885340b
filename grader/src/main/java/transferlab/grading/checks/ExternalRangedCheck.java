package transferlab.grading.checks;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import transferlab.testkit.ServerUnderTest;
import transferlab.contract.ranged.RangedContract;
import transferlab.grading.CheckRunExtension;
import transferlab.grading.program.CheckTarget;

/**
 * The protocol R contract, run by {@code ./transfer check ranged} against a server started from
 * {@code --server-cmd "... {port} {dir}"}: {@code {port}} is its HTTP control port, {@code {dir}}
 * the root it serves, which the suite fills with the files it downloads.
 * With {@code --target} nothing applies: the suite must choose the files a server serves.
 */
@ExtendWith(CheckRunExtension.class)
public final class ExternalRangedCheck extends RangedContract {
    private final CheckTarget target;

    public ExternalRangedCheck(CheckTarget target) {
        this.target = target;
    }

    @Override
    protected ServerUnderTest startServer(Path root) {
        return target.startServerOverSuiteFiles(root,
                "protocol R is graded only with --server-cmd: the suite puts the files it downloads into the "
                        + "served root {dir}", Map.of());
    }
}
