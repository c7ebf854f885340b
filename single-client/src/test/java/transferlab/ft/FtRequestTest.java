package transferlab.ft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parsing protocol F's control line (resources/protocols/ft.md): {@code LIST <data-port>} and
 * {@code GET <name> <data-port>}. The student tree's TODO stage1.5 is guarded here.
 */
class FtRequestTest {
    @Test
    void listAndGetAreParsedWithTheirDataPort() throws FtRefusal {
        assertThat(FtRequest.parse("LIST 40000")).isEqualTo(FtRequest.list(40000));
        assertThat(FtRequest.parse("GET notes.txt 40001")).isEqualTo(FtRequest.get("notes.txt", 40001));
    }

    @Test
    void aNameMayHoldSpacesTheDataPortIsTheLastFieldAndATrailingCarriageReturnIsDropped() throws FtRefusal {
        assertThat(FtRequest.parse("GET my notes.txt 5000\r")).isEqualTo(FtRequest.get("my notes.txt", 5000));
    }

    @Test
    void whatEncodeWritesParsesBack() throws FtRefusal {
        FtRequest get = FtRequest.get("a b.bin", 65535);
        String line = new String(get.encode(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(FtRequest.parse(line.substring(0, line.length() - 1))).isEqualTo(get);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "LIST", "GET", "GET 5000", "PUT x 5000", "list 5000"})
    void unknownCommandsAndMissingFieldsAreBadCommand(String line) {
        assertThatThrownBy(() -> FtRequest.parse(line)).isInstanceOf(FtRefusal.class)
                .extracting(e -> ((FtRefusal) e).code()).isEqualTo("bad-command");
    }

    @ParameterizedTest
    @ValueSource(strings = {"LIST 0", "LIST 65536", "LIST -1", "LIST +80", "LIST 80a", "GET x 123456", "LIST  80"})
    void aDataPortOutsideOneTo65535OrNotDecimalIsBadPort(String line) {
        assertThatThrownBy(() -> FtRequest.parse(line)).isInstanceOf(FtRefusal.class)
                .extracting(e -> ((FtRefusal) e).code()).isEqualTo("bad-port");
    }
}
