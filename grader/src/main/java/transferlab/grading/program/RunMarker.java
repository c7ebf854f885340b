package transferlab.grading.program;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Finds what a grading run started and left running, even a daemon that left its process group
 * ({@code setsid}, a double fork) and ignores SIGTERM. Every program the run starts carries
 * {@code TRANSFERLAB_RUN=<the run's log directory name>} in its environment, which its children
 * inherit; at the end of the run, before any report is written, every process of the machine
 * whose environment holds it is killed (SIGKILL), until none is left. On Linux only (it reads
 * {@code /proc/PID/environ}, which a process of the same user may read).
 *
 * <p>A safety net, not the box: a program that clears its environment before it forks away is not
 * found. The sandbox's own PID namespace ({@code --sandbox}) is what ends everything for certain.
 */
public final class RunMarker {
    static final String VARIABLE = "TRANSFERLAB_RUN";
    /** Passes over the process table: a daemon may fork again while it is swept. */
    private static final int PASSES = 5;

    private RunMarker() {
    }

    /** Marks a program about to be started as the run's (the run logging to {@code logDirectory}). */
    static void mark(Map<String, String> environment, Path logDirectory) {
        if (logDirectory != null) {
            environment.put(VARIABLE, token(logDirectory));
        }
    }

    /** Kills every process that carries the run's mark; returns how many there were. */
    public static int killLeftBehind(Path logDirectory) {
        byte[] mark = (VARIABLE + "=" + token(logDirectory) + "\0").getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        int killed = 0;
        for (int pass = 0; pass < PASSES; pass++) {
            List<ProcessHandle> marked = ProcessHandle.allProcesses()
                    .filter(process -> process.pid() != self && carries(process.pid(), mark)).toList();
            if (marked.isEmpty()) {
                break;
            }
            marked.forEach(ProcessHandle::destroyForcibly);
            killed += marked.size();
            marked.forEach(process -> process.onExit().completeOnTimeout(process, 1,
                    java.util.concurrent.TimeUnit.SECONDS).join());
        }
        return killed;
    }

    private static boolean carries(long pid, byte[] mark) {
        try {
            byte[] environment = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            for (int at = 0; at + mark.length <= environment.length; at++) {
                if ((at == 0 || environment[at - 1] == 0) && java.util.Arrays.equals(environment, at,
                        at + mark.length, mark, 0, mark.length)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | SecurityException e) {
            return false; // another user's, gone, or no /proc
        }
    }

    private static String token(Path logDirectory) {
        return logDirectory.getFileName().toString();
    }
}
