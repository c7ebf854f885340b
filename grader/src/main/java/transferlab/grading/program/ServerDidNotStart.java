package transferlab.grading.program;

/**
 * A server command that did not listen on the port it was given: it exited first, listened on
 * another port, or stayed silent past the start timeout. Every later test would meet the same, so
 * the {@link CheckRunExtension} stops the run at the first one ("fail fast").
 */
public final class ServerDidNotStart extends IllegalStateException {
    ServerDidNotStart(String message) {
        super(message);
    }

    /** The ServerDidNotStart in {@code thrown}'s cause chain, if any (a contract may wrap it). */
    public static java.util.Optional<ServerDidNotStart> in(Throwable thrown) {
        for (Throwable at = thrown; at != null; at = at.getCause() == at ? null : at.getCause()) {
            if (at instanceof ServerDidNotStart didNotStart) {
                return java.util.Optional.of(didNotStart);
            }
        }
        return java.util.Optional.empty();
    }
}
