package transferlab.grading.classroom;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of its own, with only loopback, for one submission's whole grading (the
 * grader's JVM and every program it starts): no submission can reach another's ports or squat
 * them, and none reaches the network. {@code unshare -n} as root; {@code unshare -rn} (a user
 * namespace first) where unprivileged user namespaces are allowed; otherwise none, and check-class
 * says so once.
 */
final class NetworkNamespace {
    /** The prefix that runs a command in a fresh namespace with loopback up, or empty where none can be made. */
    private final List<String> prefix;

    private NetworkNamespace(List<String> prefix) {
        this.prefix = prefix;
    }

    /** Probes once: tries root's way, then the unprivileged one. */
    static NetworkNamespace probe() {
        for (List<String> unshare : List.of(List.of("unshare", "-n"), List.of("unshare", "-rn"))) {
            List<String> command = new ArrayList<>(unshare);
            command.addAll(List.of("sh", "-c", "ip link set lo up"));
            if (succeeds(command)) {
                List<String> prefix = new ArrayList<>(unshare);
                // The command follows as "$@"; exec keeps its exit status and its signals.
                prefix.addAll(List.of("sh", "-c", "ip link set lo up && exec \"$@\"", "netns"));
                return new NetworkNamespace(List.copyOf(prefix));
            }
        }
        return new NetworkNamespace(List.of());
    }

    static NetworkNamespace none() {
        return new NetworkNamespace(List.of());
    }

    boolean available() {
        return !prefix.isEmpty();
    }

    /** {@code command} run in a namespace of its own, when available. */
    List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(prefix);
        wrapped.addAll(command);
        return wrapped;
    }

    private static boolean succeeds(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false; // no unshare
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
