package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.demo.Demo;

/**
 * {@code mqcgm admin … --data-dir DIR}: a person trying the demo adds a second account, while the demo runs and
 * while it is stopped.
 */
class AdminDataDirTest {

    private static final Pattern CREATED = Pattern.compile("created account ([0-9a-f-]{36}) \\(user\\)");
    private static final Pattern PASSWORD = Pattern.compile("password: (\\S+)");

    @TempDir
    Path dir;

    @Test
    void accountsAreAddedToADemoWhetherItRunsOrNot() {
        Demo.Options options = new Demo.Options(dir, "127.0.0.1", 0, 1, ZoneId.of("Asia/Shanghai"));
        int pgPort;
        try (Demo demo = Demo.start(options)) {
            CommandRun run = CommandRun.of("admin", "create-user", "--login",
                    "second@example.org", "--data-dir", dir.toString());
            assertThat(run.status()).as(run.err()).isZero();
            UUID id = UUID.fromString(group(CREATED, run.out()));
            // The running demo's server knows the account at once: it is in the demo's own database.
            assertThat(demo.app().accounts().authenticate("second@example.org", group(PASSWORD, run.out())))
                    .contains(id);
            pgPort = URI.create(demo.info().jdbcUrl().substring(5)).getPort();
            assertThat(portOpen(pgPort)).as("the demo's PostgreSQL is left running").isTrue();
        }

        // Stopped: the command starts the demo's PostgreSQL on the data directory for itself, and stops it after.
        CommandRun third = CommandRun.of("admin", "create-user", "--login", "third@example.org",
                "--data-dir", dir.toString());
        assertThat(third.status()).as(third.err()).isZero();
        CommandRun grant = CommandRun.of("admin", "grant-role", "--login", "second@example.org",
                "--role", "support", "--data-dir", dir.toString());
        assertThat(grant.status()).as(grant.err()).isZero();
        assertThat(grant.out()).contains("granted support to account");
        assertThat(dir.resolve("pg").resolve("postmaster.pid")).as("PostgreSQL stopped after the command")
                .doesNotExist();

        try (Demo again = Demo.start(options)) {
            Optional<UUID> login = again.app().accounts().authenticate("third@example.org",
                    group(PASSWORD, third.out()));
            assertThat(login).contains(UUID.fromString(group(CREATED, third.out())));
            assertThat(again.app().accounts().authenticate(Demo.EMAIL, again.info().password())).isPresent();
        }
    }

    @Test
    void aDirectoryWithoutADemoIsOneLineNamingTheOption() {
        CommandRun run = CommandRun.of("admin", "create-user", "--login", "x@example.org",
                "--data-dir", dir.resolve("nothing-here").toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("mqcgm: --data-dir: no demo in ");
        CommandRun both = CommandRun.of("admin", "grant-role", "--login", "x@example.org",
                "--role", "admin", "--data-dir", dir.toString(), "--config", dir.resolve("mqcgm.conf").toString());
        assertThat(both.status()).isEqualTo(2);
        assertThat(both.err()).startsWith("mqcgm: --data-dir: give either --data-dir or --config");
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as(pattern + " in " + text).isTrue();
        return m.group(1);
    }

    private static boolean portOpen(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
