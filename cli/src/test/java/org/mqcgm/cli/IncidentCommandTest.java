package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.demo.Demo;
import org.mqcgm.server.incidents.IncidentsFeature;

/**
 * {@code mqcgm admin incident …} while the server runs: an incident without remedies cannot be sent (the command
 * names the field), completed it is sent by the running server to every active account (the demo's outbox), and
 * {@code show} lists each person's channels and the steps; {@code mqcgm admin report publish} puts a report on the
 * public page.
 */
class IncidentCommandTest {

    @TempDir
    Path dir;

    @Test
    @Tag("PR-57")
    @Tag("PR-56")
    void anOperatorRecordsAnIncidentAndTheRunningServerSendsItOnlyWhenComplete() throws Exception {
        Demo.Options options = new Demo.Options(dir.resolve("data"), "127.0.0.1", 0, 1, ZoneId.of("Asia/Shanghai"));
        try (Demo demo = Demo.start(options)) {
            String data = dir.resolve("data").toString();
            CommandRun created = CommandRun.of("admin", "incident", "create", "--what-happened",
                    "A log file with e-mail addresses was public for a day.", "--data-categories", "e-mail address",
                    "--affected", "all", "--impact", "Spam or phishing.", "--measures", "Removed, access reviewed.",
                    "--advice", "Ignore e-mails asking for your password.", "--contact", "security@mqcgm.example",
                    "--confirmed-at", "now", "--reportable", "true", "--data-dir", data);
            assertThat(created.status()).as(created.err()).isZero();
            Matcher m = Pattern.compile("recorded incident ([0-9a-f-]{36})").matcher(created.out());
            assertThat(m.find()).as(created.out()).isTrue();
            String id = m.group(1);

            CommandRun refused = CommandRun.of("admin", "incident", "notify", id, "--data-dir", data);
            assertThat(refused.status()).isEqualTo(2);
            assertThat(refused.err()).contains("$.remedies");

            assertThat(CommandRun.of("admin", "incident", "update", id, "--remedies",
                    "A year of free support.", "--data-dir", data).status()).isZero();
            CommandRun sent = CommandRun.of("admin", "incident", "notify", id, "--data-dir", data);
            assertThat(sent.status()).as(sent.err()).isZero();
            // The running server's job sends what was asked for (it runs every minute; here at once).
            assertThat(demo.app().jobs().runNow(IncidentsFeature.DISPATCH_JOB)).isPositive();
            org.mqcgm.testkit.Wait.until("the demo account's notice in the outbox", () -> outbox(demo)
                    .anyMatch(t -> t.startsWith("To: " + demo.info().email() + "\n")
                            && t.contains("What we offer you\nA year of free support.")));

            CommandRun show = CommandRun.of("admin", "incident", "show", id, "--data-dir", data);
            assertThat(show.status()).as(show.err()).isZero();
            assertThat(show.out()).contains("in-app pending").contains("notification-requested")
                    .contains("notified").contains("missing before closing: regulatorAuthority");
            org.mqcgm.testkit.Wait.until("the e-mail's receipt", () -> CommandRun.of("admin", "incident", "show",
                    id, "--data-dir", data).out().contains("email sent"));

            CommandRun close = CommandRun.of("admin", "incident", "close", id, "--data-dir", data);
            assertThat(close.status()).isEqualTo(2);
            assertThat(close.err()).contains("$.regulatorReference");
            assertThat(CommandRun.of("admin", "incident", "report-regulator", id, "--authority", "CAC",
                    "--reported-at", "now", "--reference", "CAC-1", "--data-dir", data).status()).isZero();
            assertThat(CommandRun.of("admin", "incident", "close", id, "--data-dir", data).status()).isZero();

            CommandRun report = CommandRun.of("admin", "report", "publish", "--assessed-on", "2026-01-15", "--kind",
                    "pia", "--scope", "Whole service", "--summary", "Yearly assessment.", "--findings", "none",
                    "--remediation", "done", "--data-dir", data);
            assertThat(report.status()).as(report.err()).isZero();
            String page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(demo.info().url() + "/privacy/security-reports")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).contains("2026-01-15").contains("Yearly assessment.");
        }
    }

    private static Stream<String> outbox(Demo demo) {
        return demo.app().outbox().messages().stream();
    }
}
