package transferlab.server;

import java.io.IOException;
import java.net.Socket;

/**
 * What a server does with one accepted connection: the protocol, with the accept loop left out.
 *
 * <p>Stage 1 runs handlers one after another ({@link IterativeServer}); stage 2 runs the very same
 * handlers on many threads. A handler must be safe to run on several threads at once, keeps every
 * error inside its own connection, and does not close the socket itself (the server does).
 */
@FunctionalInterface
public interface ConnectionHandler {
    void handle(Socket connection) throws IOException;
}
