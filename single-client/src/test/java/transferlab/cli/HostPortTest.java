package transferlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class HostPortTest {
    @Test
    void readsIpv4HostNamesAndBracketedIpv6() throws Exception {
        assertThat(HostPort.parse("127.0.0.1:5000")).isEqualTo(new InetSocketAddress("127.0.0.1", 5000));
        assertThat(HostPort.parse("localhost:0").getPort()).isZero();
        InetSocketAddress v6 = HostPort.parse("[::1]:5000");
        assertThat(v6.getAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(v6.getPort()).isEqualTo(5000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5000", ":5000", "host:", ""})
    void refusesWhatIsNotHostColonPortAndNamesTheValue(String value) {
        assertThatThrownBy(() -> HostPort.parse(value))
                .isInstanceOf(TypeConversionException.class).hasMessageContaining("'" + value + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"70000", "-1", "http"})
    void refusesABadPortAndNamesIt(String port) {
        assertThatThrownBy(() -> HostPort.parse("host:" + port))
                .isInstanceOf(TypeConversionException.class).hasMessageContaining("'" + port + "'");
    }

    @Test
    void formatsAsServersPrintItWithIpv6InBrackets() throws Exception {
        assertThat(HostPort.format(new InetSocketAddress("127.0.0.1", 5000))).isEqualTo("127.0.0.1:5000");
        String v6 = HostPort.format(new InetSocketAddress(InetAddress.getByName("::1"), 5000));
        assertThat(v6).startsWith("[").endsWith("]:5000");
        assertThat(HostPort.parse(v6)).isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 5000));
    }

    @Test
    void theWildcardAddressIsAlwaysPrintedAsEveryInterface() throws Exception {
        assertThat(HostPort.format(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 5000)))
                .isEqualTo("0.0.0.0:5000");
        assertThat(HostPort.format(new InetSocketAddress(InetAddress.getByName("::"), 5000))).isEqualTo("0.0.0.0:5000");
    }
}
