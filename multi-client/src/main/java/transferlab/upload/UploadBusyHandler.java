package transferlab.upload;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import transferlab.server.ConnectionHandler;

/**
 * Protocol U's answer when a stage 2 server is at its limit: {@code error busy: <detail>\n} in place
 * of "go ahead", so that a client (ours or a seed client) sees why and may try again later. The
 * server closes the connection afterwards.
 */
public final class UploadBusyHandler implements ConnectionHandler {
    private final byte[] line;

    /** {@code detail} says which limit was reached, e.g. "already serving 1024 clients". */
    public UploadBusyHandler(String detail) {
        this.line = new UploadRefusal("busy", detail + "; try again later").wireLine();
    }

    /** The bytes sent to a refused client. */
    public byte[] wireLine() {
        return line.clone();
    }

    @Override
    public void handle(Socket connection) throws IOException {
        OutputStream out = connection.getOutputStream();
        out.write(line);
        out.flush();
    }
}
