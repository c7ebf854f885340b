package transferlab.upload;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import transferlab.server.ConnectionHandler;
import transferlab.server.ConnectionsPerAddress;

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

    /** The per-address limit of {@code limits}, answering {@code error busy} over it. */
    public static ConnectionsPerAddress perAddress(UploadLimits limits) {
        return new ConnectionsPerAddress(limits.maxPerAddress(), new UploadBusyHandler(perAddressDetail(limits)));
    }

    /** Why a connection over the per-address limit is turned away. */
    public static String perAddressDetail(UploadLimits limits) {
        return "already serving " + limits.maxPerAddress() + " connections from your address";
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
