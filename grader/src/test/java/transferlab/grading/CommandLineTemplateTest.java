package transferlab.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import transferlab.grading.program.CommandLineTemplate;

class CommandLineTemplateTest {
    @Test
    void placeholdersAreFilledAndQuotedOnlyWhenNeeded() {
        String filled = CommandLineTemplate.fill("python3 server.py {port} {dir} {idle-timeout}",
                Map.of("port", "40117", "dir", "/tmp/a dir/it's", "idle-timeout", "0.400"));

        assertThat(filled).isEqualTo("python3 server.py 40117 '/tmp/a dir/it'\"'\"'s' 0.400");
    }

    /** ft's {request} is -l or the two words -g NAME: each word quoted on its own, never one argument. */
    @Test
    void aPlaceholderOfSeveralWordsBecomesSeveralArguments() {
        String filled = CommandLineTemplate.fillWords("python3 ftclient.py {host} {port} {request} {dataport}",
                Map.of("host", List.of("127.0.0.1"), "port", List.of("3555"), "request", List.of("-g", "my file.txt"),
                        "dataport", List.of("8555")));

        assertThat(filled).isEqualTo("python3 ftclient.py 127.0.0.1 3555 -g 'my file.txt' 8555");
    }

    @Test
    void anUnknownPlaceholderIsAnErrorNamingItAndTheKnownOnes() {
        assertThatThrownBy(() -> CommandLineTemplate.fill("server {prot}", Map.of("port", "1")))
                .hasMessageContaining("{prot}").hasMessageContaining("{port}");
    }

    @Test
    void usesTellsWhetherALimitReachesTheServer() {
        assertThat(CommandLineTemplate.uses("s {port} {max-size}", "max-size")).isTrue();
        assertThat(CommandLineTemplate.uses("s {port}", "max-size")).isFalse();
    }
}
