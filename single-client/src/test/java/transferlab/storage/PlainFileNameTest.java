package transferlab.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainFileNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"notes.txt", "a", "x..", "with space", "ünïcödé-€.txt", "a.b.c", "-dash", "~tilde"})
    void plainNamesAreAccepted(String name) throws BadNameException {
        assertThat(PlainFileName.check(name)).isEqualTo(name);
        assertThat(PlainFileName.check(name.getBytes(UTF_8))).isEqualTo(name);
    }

    @Test
    void aNameOfExactly255Utf8BytesIsAcceptedAnd256IsNot() throws BadNameException {
        String name = "€".repeat(85); // 3 bytes each
        assertThat(name.getBytes(UTF_8)).hasSize(255);
        assertThat(PlainFileName.check(name)).isEqualTo(name);
        assertThat(PlainFileName.check(name.getBytes(UTF_8))).isEqualTo(name);
        assertThatThrownBy(() -> PlainFileName.check(name + "a"))
                .isInstanceOf(BadNameException.class).hasMessageContaining("256 bytes");
        assertThatThrownBy(() -> PlainFileName.check((name + "a").getBytes(UTF_8)))
                .isInstanceOf(BadNameException.class).hasMessageContaining("256 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "/etc/passwd", "a/b", "..\\x", "a\\b", ".hidden", ".", "..",
            "a\u0000b", "a\nb", "tab\t", "bell\u0007", "del\u007f", "c1\u0085", "", ".x.part"})
    void pathsHiddenNamesControlCharactersAndEmptyAreRefused(String name) {
        assertThatThrownBy(() -> PlainFileName.check(name)).isInstanceOf(BadNameException.class);
        assertThatThrownBy(() -> PlainFileName.check(name.getBytes(UTF_8))).isInstanceOf(BadNameException.class);
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[][] invalid = {
            {'a', (byte) 0xff, 'b'},                    // never valid in UTF-8
            {'a', (byte) 0xc0, (byte) 0xaf},            // overlong '/'
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80},    // a surrogate, encoded
            {'a', (byte) 0xe2, (byte) 0x82},            // cut in the middle of '€'
        };
        for (byte[] name : invalid) {
            assertThatThrownBy(() -> PlainFileName.check(name))
                    .isInstanceOf(BadNameException.class).hasMessageContaining("not valid UTF-8");
        }
    }

    @Test
    void theMessageNamesTheBadValueWithControlCharactersMadeVisible() {
        assertThatThrownBy(() -> PlainFileName.check("a/b")).hasMessageContaining("'a/b'").hasMessageContaining("'/'");
        assertThatThrownBy(() -> PlainFileName.check("a\u0000b")).hasMessageContaining("a\\u0000b")
                .hasMessageContaining("U+0000");
        assertThat(PlainFileName.printable("x\ny")).isEqualTo("x\\u000ay");
    }
}
