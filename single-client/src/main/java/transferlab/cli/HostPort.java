package transferlab.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code HOST:PORT} ({@code 127.0.0.1:5000}, {@code localhost:5000}, {@code [::1]:5000}) from a command line. */
public final class HostPort implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
        return parse(value);
    }

    public static InetSocketAddress parse(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new TypeConversionException("'" + value + "' is not HOST:PORT (for example 127.0.0.1:5000)");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Ports.parse(value.substring(colon + 1)));
    }

    /**
     * {@code host:port} as a server prints it after binding, IPv6 addresses in brackets. The
     * wildcard address is always {@code 0.0.0.0} ("every interface"), also where an NIO channel
     * reports its dual-stack form {@code [::]}, so every server of the kit announces itself alike.
     */
    public static String format(InetSocketAddress address) {
        if (address.getAddress() != null && address.getAddress().isAnyLocalAddress()) {
            return "0.0.0.0:" + address.getPort();
        }
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
