package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.demo.Demo;
import org.mqcgm.server.cancellation.CancellationFeature;
import org.mqcgm.testkit.Wait;

/**
 * {@code mqcgm admin cancel-account} and {@code mqcgm backup} against a running demo: the operator's cancellation
 * closes the account at once and the running server's job erases it; the ledger beside the demo's outbox lists it;
 * no command brings an erased user back. (Not tagged PR-86: the row's caller-ID and SMS-code checks do not exist.)
 */
class CancelAccountCommandTest {

    private static final Pattern CREATED = Pattern.compile("created account ([0-9a-f-]{36}) \\(user\\)");
    private static final Pattern PASSWORD = Pattern.compile("password: (\\S+)");

    @TempDir
    Path dir;

    @Test
    @Tag("PR-88")
    void anOperatorCancelsAnAccountOnItsOwnersBehalfAndBacksUpTheRunningDemo() throws Exception {
        try (Demo demo = Demo.start(new Demo.Options(dir, "127.0.0.1", 0, 1, ZoneId.of("Asia/Shanghai"), false))) {
            CommandRun created = CommandRun.of("admin", "create-user", "--login", "caller@example.org",
                    "--data-dir", dir.toString());
            assertThat(created.status()).as(created.err()).isZero();
            UUID id = UUID.fromString(group(CREATED, created.out()));
            String password = group(PASSWORD, created.out());
            // An account made for a minor waits for a guardian, as a sign-up does (PR-77).
            CommandRun minor = CommandRun.of("admin", "create-user", "--login", "minor@example.org",
                    "--birth-date", java.time.LocalDate.now().minusYears(12).toString(), "--data-dir", dir.toString());
            assertThat(minor.status()).as(minor.err()).isZero();
            UUID minorId = UUID.fromString(group(CREATED, minor.out()));
            assertThat(demo.app().feature(org.mqcgm.server.guardians.GuardiansFeature.class).holds().of(minorId))
                    .contains(org.mqcgm.server.platform.security.Holds.Hold.GUARDIAN_CONSENT_REQUIRED);
            CommandRun future = CommandRun.of("admin", "create-user", "--login", "future@example.org",
                    "--birth-date", "2999-01-01", "--data-dir", dir.toString());
            assertThat(future.status()).isNotZero();
            assertThat(demo.app().accounts().findId("future@example.org")).isEmpty();

            CommandRun noReason = CommandRun.of("admin", "cancel-account", "caller@example.org", "--reason", " ",
                    "--data-dir", dir.toString());
            assertThat(noReason.status()).isEqualTo(2);
            assertThat(noReason.err()).contains("--reason");
            CommandRun unknown = CommandRun.of("admin", "cancel-account", "nobody@example.org", "--reason",
                    "ticket 1", "--data-dir", dir.toString());
            assertThat(unknown.status()).isEqualTo(2);
            assertThat(unknown.err()).contains("no account has the login nobody@example.org");
            assertThat(demo.app().accounts().authenticate("caller@example.org", password)).contains(id);

            CommandRun cancelled = CommandRun.of("admin", "cancel-account", "caller@example.org", "--reason",
                    "ticket 4711: caller verified by a code to the registered address", "--data-dir", dir.toString());

            assertThat(cancelled.status()).as(cancelled.err()).isZero();
            assertThat(cancelled.out()).contains("cancelled account " + id).contains("no longer works");
            demo.app().jobs().runNow(CancellationFeature.JOB);
            Wait.until("the account is erased", () -> demo.app().accounts().find(id).isEmpty());
            assertThat(Files.readAllLines(dir.resolve("deletion-ledger.txt"))).contains(id.toString());
            // There is no way back: no command restores an erased user.
            CommandRun restoreUser = CommandRun.of("admin", "restore-user", "caller@example.org", "--data-dir",
                    dir.toString());
            assertThat(restoreUser.status()).isEqualTo(2);
            assertThat(restoreUser.err()).contains("restore-user");

            Path backup = dir.resolve("backup.zip");
            CommandRun backedUp = CommandRun.of("backup", "--out", backup.toString(), "--data-dir", dir.toString());
            assertThat(backedUp.status()).as(backedUp.err()).isZero();
            assertThat(backedUp.out()).containsPattern("backup of schema version \\d+ taken at");
            assertThat(backup).isRegularFile();
        }
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as(pattern + " in " + text).isTrue();
        return m.group(1);
    }
}
