package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options several commands share are defined once (picocli mixins) and behave the same in each command. */
class SharedOptionsTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownZoneIsOneLineNamingTzInEveryCommandThatTakesTheWearersZone() {
        for (String[] args : new String[][] {
                {"demo", "--data-dir", dir.toString(), "--port", "0", "--tz", "Mars/Olympus"},
                {"sensor", "simulate", "--port", "0", "--tz", "Mars/Olympus"},
        }) {
            CommandRun run = CommandRun.of(args);
            assertThat(run.status()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.err()).isEqualTo("mqcgm: --tz: unknown time zone 'Mars/Olympus'" + System.lineSeparator());
        }
        assertThat(dir).as("the demo did not start").isEmptyDirectory();
    }

    @Test
    void aMissingConfigurationFileIsOneLineNamingConfigInEveryCommandThatReadsIt() {
        String missing = dir.resolve("missing.conf").toString();
        for (String[] args : new String[][] {
                {"serve", "--config", missing},
                {"migrate", "--config", missing},
                {"admin", "create-user", "--login", "a@example.org", "--config", missing},
                {"admin", "grant-role", "--login", "a@example.org", "--role", "admin", "--config", missing},
        }) {
            CommandRun run = CommandRun.of(args);
            assertThat(run.status()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.err()).as(String.join(" ", args)).startsWith("mqcgm: --config: no such file: " + missing);
        }
    }

    @Test
    void theSharedOptionsAreInTheHelpOfEachCommand() {
        assertThat(CommandRun.of("serve", "--help").out()).contains("--config");
        assertThat(CommandRun.of("migrate", "--help").out()).contains("--config");
        assertThat(CommandRun.of("demo", "--help").out()).contains("--tz=ZONE");
        assertThat(CommandRun.of("sensor", "simulate", "--help").out()).contains("--tz=ZONE");
        assertThat(CommandRun.of("collect", "--help").out()).contains("--tz=ZONE");
        for (String command : new String[] {"create-user", "grant-role"}) {
            assertThat(CommandRun.of("admin", command, "--help").out()).contains("--login", "--config", "--data-dir=DIR");
            assertThat(CommandRun.of("admin", command).err()).contains("Missing required option", "'--login=<login>'");
        }
    }
}
