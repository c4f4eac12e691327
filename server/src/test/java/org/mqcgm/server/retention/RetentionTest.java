package org.mqcgm.server.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.server.cancellation.CancellationFeature;
import org.mqcgm.server.platform.retention.Holds;
import org.mqcgm.server.platform.retention.RetentionSchedule;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * The retention job (PR-54, PR-81), inactive accounts (PR-30) and the schema's separation of anonymised data
 * (PR-28), on the real server with a clock the test moves.
 */
class RetentionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    static RetentionFeature retention() {
        return app.app().feature(RetentionFeature.class);
    }

    static OffsetDateTime ago(Duration d) {
        return clock.instant().minus(d).atOffset(ZoneOffset.UTC);
    }

    /** The owner's rows in each category that are older than the category's default period. */
    static Map<String, Long> counts(UUID owner) {
        return app.sql().withHandle(h -> Map.of(
                "security-events", count(h, "security_event where owner_id = :o and at < :t", owner,
                        "security-events"),
                "web-sessions", count(h, "web_session where owner_id = :o and expires_at < :t", owner,
                        "web-sessions"),
                "api-tokens-revoked", count(h, "api_token where owner_id = :o and revoked_at < :t", owner,
                        "api-tokens-revoked"),
                "devices-unlinked", count(h, "device where owner_id = :o and unlinked_at < :t", owner,
                        "devices-unlinked"),
                "idempotency-keys", count(h, "idempotency_key where owner_id = :o and created_at < :t", owner,
                        "idempotency-keys"),
                "report-log", count(h, "report_log where owner_id = :o and created_at < :t", owner, "report-log")));
    }

    static long count(org.jdbi.v3.core.Handle h, String from, UUID owner, String category) {
        return h.createQuery("select count(*) from " + from).bind("o", owner)
                .bind("t", ago(RetentionSchedule.defaultPeriod(category))).mapTo(Long.class).one();
    }

    /** One row older than its category's default period, in every category, for {@code owner}. */
    static void seedExpired(UUID owner) {
        app.sql().useHandle(h -> {
            h.createUpdate("insert into security_event (owner_id, id, at, kind) values (:o, :id, :at, 'login')")
                    .bind("o", owner).bind("id", UUID.randomUUID()).bind("at", ago(Duration.ofDays(181))).execute();
            h.createUpdate("""
                            insert into web_session (owner_id, token_hash, created_at, last_seen_at, expires_at)
                            values (:o, :hash, :at, :at, :ended)""")
                    .bind("o", owner).bind("hash", UUID.randomUUID().toString().getBytes())
                    .bind("at", ago(Duration.ofDays(40))).bind("ended", ago(Duration.ofDays(2))).execute();
            h.createUpdate("""
                            insert into api_token (owner_id, id, token_hash, name, scopes, created_at, revoked_at)
                            values (:o, :id, :hash, 'old uploader', '{readings:write}', :at, :revoked)""")
                    .bind("o", owner).bind("id", UUID.randomUUID()).bind("hash", UUID.randomUUID().toString()
                            .getBytes()).bind("at", ago(Duration.ofDays(100)))
                    .bind("revoked", ago(Duration.ofDays(31))).execute();
            h.createUpdate("""
                            insert into device (owner_id, id, device_key, platform, model, os_version, app_version,
                                                created_at, last_seen_at, unlinked_at)
                            values (:o, :id, :key, 'android', 'Pixel 8', 'Android 15', '1.0', :at, :at, :unlinked)""")
                    .bind("o", owner).bind("id", UUID.randomUUID()).bind("key", UUID.randomUUID().toString()
                            .getBytes()).bind("at", ago(Duration.ofDays(200)))
                    .bind("unlinked", ago(Duration.ofDays(91))).execute();
            h.createUpdate("""
                            insert into idempotency_key (owner_id, key, request_hash, status, body, created_at)
                            values (:o, :key, '\\x00', 200, '{}', :at)""")
                    .bind("o", owner).bind("key", UUID.randomUUID().toString()).bind("at", ago(Duration.ofDays(2)))
                    .execute();
            h.createUpdate("""
                            insert into report_log (owner_id, id, created_at, format, period_from, period_to, time_zone,
                                                    population, readings, algorithm_version, report_version)
                            values (:o, :id, :at, 'json', :at, :at, 'UTC', 'all', 0, 'v', 'v')""")
                    .bind("o", owner).bind("id", UUID.randomUUID()).bind("at", ago(Duration.ofDays(181))).execute();
        });
    }

    static void seedOldCrashReport() {
        app.sql().useHandle(h -> {
            String signature = "sig-" + UUID.randomUUID();
            h.createUpdate("""
                            insert into crash_group (signature, source, kind, first_seen, last_seen)
                            values (:s, 'web', 'TypeError', :at, :at)""")
                    .bind("s", signature).bind("at", ago(Duration.ofDays(91))).execute();
            h.createUpdate("""
                            insert into crash_report (signature, id, received_at, install_id, app_version, platform,
                                                      message, stack)
                            values (:s, :id, :at, :install, '1.0', 'web', 'x', 'y')""")
                    .bind("s", signature).bind("id", UUID.randomUUID()).bind("at", ago(Duration.ofDays(91)))
                    .bind("install", UUID.randomUUID()).execute();
        });
    }

    static long crashReports() {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from crash_report").mapTo(Long.class).one());
    }

    @Test
    @Tag("PR-54")
    @Tag("PR-81")
    void dataOlderThanEachDefaultIsGoneAfterTheJobExceptWhatALegalHoldKeepsUntilTheHoldExpires() throws Exception {
        UUID free = app.newUser("retention-free@example.org");
        UUID held = app.newUser("retention-held@example.org");
        LegalHolds holds = retention().legalHolds();

        // A hold needs its basis and an expiry of at most three years; without them it is refused.
        assertThatThrownBy(() -> holds.set(held, null, "court order 2026/17", null, "dpo"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiry");
        assertThatThrownBy(() -> holds.set(held, null, "court order 2026/17",
                clock.instant().plus(Duration.ofDays(3 * 365 + 2)), "dpo"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("three years");
        assertThatThrownBy(() -> holds.set(held, null, " ", clock.instant().plus(Duration.ofDays(30)), "dpo"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("basis");
        assertThatThrownBy(() -> holds.set(null, "no-such-category", "x", clock.instant().plus(Duration.ofDays(30)),
                "dpo")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no retention category");
        long stored = app.sql().withHandle(h -> h.createQuery("select count(*) from legal_hold").mapTo(Long.class)
                .one());
        assertThat(stored).isZero();

        holds.set(held, null, "court order 2026/17 (litigation hold)", clock.instant().plus(Duration.ofDays(30)),
                "dpo@example.org");
        holds.set(null, "crash-reports", "regulator inquiry R-5", clock.instant().plus(Duration.ofDays(30)),
                "dpo@example.org");
        seedExpired(free);
        seedExpired(held);
        seedOldCrashReport();
        assertThat(counts(held)).allSatisfy((category, n) -> assertThat(n).as(category).isEqualTo(1L));
        assertThat(counts(free)).allSatisfy((category, n) -> assertThat(n).as(category).isEqualTo(1L));
        // A recent row stays whatever happens.
        UUID recentEvent = UUID.randomUUID();
        app.sql().useHandle(h -> h.createUpdate("insert into security_event (owner_id, id, at, kind)"
                + " values (:o, :id, :at, 'login')").bind("o", free).bind("id", recentEvent)
                .bind("at", ago(Duration.ofDays(1))).execute());

        app.app().jobs().runNow(RetentionFeature.JOB);

        assertThat(counts(free)).as("every category of the person without a hold")
                .allSatisfy((category, n) -> assertThat(n).as(category).isZero());
        long recentRows = app.sql().withHandle(h -> h.createQuery("select count(*) from security_event where id = :id")
                .bind("id", recentEvent).mapTo(Long.class).one());
        assertThat(recentRows).as("a recent row").isOne();
        assertThat(counts(held)).as("the held person's rows").allSatisfy((category, n) ->
                assertThat(n).as(category).isEqualTo(1L));
        assertThat(crashReports()).as("the held category").isGreaterThanOrEqualTo(1);

        // The report lists every enforced category with its count and the age of the oldest row kept.
        List<RetentionJob.Report> reports = retention().job().reports(1);
        RetentionJob.Report report = reports.getFirst();
        assertThat(report.categories()).extracting(RetentionJob.Line::category).contains("security-events",
                "report-log", "web-sessions", "api-tokens-revoked", "idempotency-keys", "crash-reports",
                "devices-unlinked", "support-tickets", "support-attachments");
        RetentionJob.Line crash = report.categories().stream().filter(l -> l.category().equals("crash-reports"))
                .findFirst().orElseThrow();
        assertThat(crash.wholeCategory()).isTrue();
        assertThat(report.categories()).filteredOn(l -> l.category().equals("security-events")).first()
                .satisfies(l -> {
                    assertThat(l.heldPersons()).isEqualTo(1);
                    assertThat(l.maxAgeDays()).isLessThanOrEqualTo(l.periodDays());
                });
        assertThat(retention().reportText(1)).contains("security-events").contains("whole category");

        // The holds expire: the next run deletes what they kept.
        clock.advance(Duration.ofDays(31));
        app.app().jobs().runNow(RetentionFeature.JOB);
        assertThat(counts(held)).as("after the hold expired")
                .allSatisfy((category, n) -> assertThat(n).as(category).isZero());
        assertThat(crashReports()).isZero();
        // Every category's oldest kept row is within its limit (the run's own report says so).
        assertThat(retention().job().reports(1).getFirst().categories())
                .allSatisfy(l -> assertThat(l.withinLimit()).as(l.category()).isTrue());
    }

    /** The rows of the issue-15 categories seeded for one person, by category: [past the period, within it]. */
    static void seedIssue15(UUID owner, String category, OffsetDateTime at, UUID id) {
        app.sql().useHandle(h -> {
            switch (category) {
                case "egress-log" -> h.createUpdate("""
                                insert into egress_log (owner_id, id, at, recipient, purpose, categories, outcome)
                                values (:o, :id, :at, 'clinic', 'care', 'GLU', 'sent')""")
                        .bind("o", owner).bind("id", id).bind("at", at).execute();
                case "purpose-violations" -> h.createUpdate("""
                                insert into purpose_violation (owner_id, id, at, purpose, category, operation)
                                values (:o, :id, :at, 'newsletter', 'GLU', 'range')""")
                        .bind("o", owner).bind("id", id).bind("at", at).execute();
                case "incident-deliveries" -> {
                    h.createUpdate("insert into incident (id, created_at) values (:id, :at)")
                            .bind("id", id).bind("at", at).execute();
                    h.createUpdate("""
                                    insert into incident_delivery (owner_id, incident_id, channel, status, updated_at)
                                    values (:o, :id, 'email', 'sent', :at)""")
                            .bind("o", owner).bind("id", id).bind("at", at).execute();
                }
                case "rights-requests-closed" -> h.createUpdate("""
                                insert into rights_request (id, owner_id, kind, channel, assigned_role, status,
                                                            language, received_at, due_at, closed_at, request_enc)
                                values (:id, :o, 'ACCESS', 'WEB', 'support', 'ANSWERED', 'en', :at, :at, :at, '\\x00')""")
                        .bind("o", owner).bind("id", id).bind("at", at).execute();
                case "child-reports-closed" -> h.createUpdate("""
                                insert into child_report (id, reference, reported_account, reported_at, outcome,
                                                          decided_at)
                                values (:id, :ref, :o, :at, 'dismissed', :at)""")
                        .bind("o", owner).bind("id", id).bind("ref", "R-" + id).bind("at", at).execute();
                case "guardian-invitations" -> h.createUpdate("""
                                insert into guardian_invitation (owner_id, id, contact_enc, channel, code_hash,
                                                                 created_at, expires_at)
                                values (:o, :id, '\\x00', 'email', '\\x00', :at, :at)""")
                        .bind("o", owner).bind("id", id).bind("at", at).execute();
                default -> throw new IllegalArgumentException(category);
            }
        });
    }

    static boolean present(String category, UUID id) {
        String table = switch (category) {
            case "egress-log" -> "egress_log";
            case "purpose-violations" -> "purpose_violation";
            case "incident-deliveries" -> "incident_delivery";
            case "rights-requests-closed" -> "rights_request";
            case "child-reports-closed" -> "child_report";
            case "guardian-invitations" -> "guardian_invitation";
            default -> throw new IllegalArgumentException(category);
        };
        String column = category.equals("incident-deliveries") ? "incident_id" : "id";
        return app.sql().withHandle(h -> h.createQuery("select count(*) from " + table + " where " + column
                + " = :id").bind("id", id).mapTo(Long.class).one()) > 0;
    }

    @Test
    @Tag("PR-54")
    void egressLogViolationsDeliveriesClosedCasesReportsAndSpentInvitationsLeaveAfterTheirPeriodOnly() {
        UUID owner = app.newUser("retention-issue15@example.org");
        Map<String, Long> days = Map.of("egress-log", 1095L, "purpose-violations", 180L, "incident-deliveries", 1095L,
                "rights-requests-closed", 1095L, "child-reports-closed", 1095L, "guardian-invitations", 1L);
        Map<String, UUID> old = new java.util.HashMap<>();
        Map<String, UUID> kept = new java.util.HashMap<>();
        for (String category : days.keySet()) {
            Duration period = RetentionSchedule.defaultPeriod(category);
            assertThat(period).as(category).isEqualTo(Duration.ofDays(days.get(category)));
            old.put(category, UUID.randomUUID());
            kept.put(category, UUID.randomUUID());
            seedIssue15(owner, category, ago(period.plusHours(2)), old.get(category));
            seedIssue15(owner, category, ago(period.minusHours(2)), kept.get(category));
        }
        // Not closed, not decided, still valid: kept whatever their age.
        UUID openCase = UUID.randomUUID();
        UUID openReport = UUID.randomUUID();
        UUID liveInvitation = UUID.randomUUID();
        OffsetDateTime longAgo = ago(Duration.ofDays(4000));
        app.sql().useHandle(h -> {
            h.createUpdate("""
                            insert into rights_request (id, owner_id, kind, channel, assigned_role, status, language,
                                                        received_at, due_at, request_enc)
                            values (:id, :o, 'ACCESS', 'WEB', 'support', 'OPEN', 'en', :at, :at, '\\x00')""")
                    .bind("id", openCase).bind("o", owner).bind("at", longAgo).execute();
            h.createUpdate("""
                            insert into child_report (id, reference, reported_account, reported_at)
                            values (:id, :ref, :o, :at)""")
                    .bind("id", openReport).bind("ref", "R-" + openReport).bind("o", owner).bind("at", longAgo)
                    .execute();
            h.createUpdate("""
                            insert into guardian_invitation (owner_id, id, contact_enc, channel, code_hash, created_at,
                                                             expires_at)
                            values (:o, :id, '\\x00', 'email', '\\x00', :at, :until)""")
                    .bind("o", owner).bind("id", liveInvitation).bind("at", longAgo)
                    .bind("until", clock.instant().plus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC)).execute();
        });
        // A closed case of someone without an account (no owner): it leaves too.
        UUID anonymousCase = UUID.randomUUID();
        app.sql().useHandle(h -> h.createUpdate("""
                        insert into rights_request (id, kind, channel, assigned_role, status, language, received_at,
                                                    due_at, closed_at, request_enc, contact_enc)
                        values (:id, 'ENQUIRY', 'PUBLIC', 'support', 'ANSWERED', 'en', :at, :at, :at, '\\x00',
                                '\\x00')""")
                .bind("id", anonymousCase).bind("at", ago(Duration.ofDays(1096))).execute());

        app.app().jobs().runNow(RetentionFeature.JOB);

        for (String category : days.keySet()) {
            assertThat(present(category, old.get(category))).as(category + " past its period").isFalse();
            assertThat(present(category, kept.get(category))).as(category + " within its period").isTrue();
        }
        assertThat(present("rights-requests-closed", anonymousCase)).as("a closed case without account").isFalse();
        assertThat(present("rights-requests-closed", openCase)).as("an open case").isTrue();
        assertThat(present("child-reports-closed", openReport)).as("an undecided report").isTrue();
        assertThat(present("guardian-invitations", liveInvitation)).as("a live invitation").isTrue();
        assertThat(retention().job().reports(1).getFirst().categories()).extracting(RetentionJob.Line::category)
                .containsAll(days.keySet());
    }

    @Test
    @Tag("PR-33")
    void logFilesOlderThanThirtyDaysAreDeleted(@TempDir Path dir) throws Exception {
        Path old = Files.writeString(dir.resolve("mqcgm.2026-01-01.log"), "old");
        Path recent = Files.writeString(dir.resolve("mqcgm.log"), "now");
        Path other = Files.writeString(dir.resolve("unrelated.txt"), "not a log");
        Instant now = clock.instant();
        Files.setLastModifiedTime(old, FileTime.from(now.minus(Duration.ofDays(31))));
        Files.setLastModifiedTime(other, FileTime.from(now.minus(Duration.ofDays(400))));
        Files.setLastModifiedTime(recent, FileTime.from(now.minus(Duration.ofHours(1))));
        LogFiles logs = new LogFiles(dir);
        Instant cutoff = now.minus(RetentionSchedule.defaults().period("application-logs"));
        assertThat(logs.purge(cutoff, Holds.NONE)).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(recent).exists();
        assertThat(other).exists();
        assertThat(logs.oldest(Holds.NONE)).hasValueSatisfying(t -> assertThat(t).isAfter(cutoff));
    }

    @Test
    @Tag("PR-30")
    void anAccountUnusedFor24MonthsIsNoticedThenErased30DaysLaterUnlessItsOwnerComesBack() throws Exception {
        UUID gone = app.newUser("inactive-gone@example.org");
        UUID recent = app.newUser("inactive-23-months@example.org");
        UUID back = app.newUser("inactive-back@example.org");
        setLastActive(gone, Duration.ofDays(731));
        setLastActive(recent, Duration.ofDays(700)); // 23 months
        setLastActive(back, Duration.ofDays(731));

        app.app().jobs().runNow(RetentionFeature.JOB);
        assertThat(noticed()).contains(gone, back).doesNotContain(recent);
        String date = app.awaitOutbox("inactive-gone@example.org",
                Pattern.compile("24 months\\. .*deleted after (\\d{4}-\\d{2}-\\d{2})"));
        assertThat(java.time.LocalDate.parse(date)).isEqualTo(clock.instant().plus(Duration.ofDays(30))
                .atOffset(ZoneOffset.UTC).toLocalDate());

        // The owner of "back" signs in during the notice period.
        Http web = app.login("inactive-back@example.org");
        assertThat(web.get("/settings").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofDays(31));
        app.app().jobs().runNow(RetentionFeature.JOB);
        app.app().jobs().runNow(CancellationFeature.JOB);

        assertThat(accountExists(gone)).as("erased through the cancellation path").isFalse();
        assertThat(accountExists(back)).as("came back").isTrue();
        assertThat(accountExists(recent)).as("active 23 months ago (24 months now, noticed at most)").isTrue();
        assertThat(noticed()).doesNotContain(back, gone);
    }

    static void setLastActive(UUID owner, Duration ago) {
        app.sql().useHandle(h -> h.createUpdate("update account set last_active_at = :at where id = :o")
                .bind("o", owner).bind("at", ago(ago)).execute());
    }

    static List<UUID> noticed() {
        return app.sql().withHandle(h -> h.createQuery("select owner_id from inactivity_notice").mapTo(UUID.class)
                .list());
    }

    static boolean accountExists(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from account where id = :o").bind("o", owner)
                .mapTo(Long.class).one()) == 1;
    }

    /**
     * PR-28: data linked to a person is personal data — devices are in the person's data and export; tables of
     * anonymised or research data hold no foreign key to accounts (the crash reports, tied to an install id, have
     * none either).
     */
    @Test
    @Tag("PR-28")
    void anonymisedTablesHaveNoKeyToAccountsAndDevicesAreInThePersonsData() throws Exception {
        List<String> linked = app.sql().withHandle(h -> h.createQuery("""
                        select c.conrelid::regclass::text from pg_constraint c
                        where c.contype = 'f' and c.confrelid = 'account'::regclass""").mapTo(String.class).list());
        List<String> anonymous = app.sql().withHandle(h -> h.createQuery("""
                        select table_name from information_schema.tables where table_schema = current_schema()
                          and (table_name like 'anon%' or table_name like 'research%' or table_name like 'crash%'
                               or table_name = 'support_ticket_archive' or table_name = 'retention_run')""")
                .mapTo(String.class).list());
        assertThat(anonymous).contains("research_export", "crash_report", "support_ticket_archive");
        assertThat(linked).isNotEmpty().doesNotContainAnyElementsOf(anonymous);

        String token = app.newUserToken("dsar-devices@example.org", Scope.DEVICES_WRITE, Scope.PROFILE_READ);
        Http http = new Http(app.url());
        assertThat(http.postJson("/api/v1/devices", "{\"platform\":\"android\",\"model\":\"Pixel 8\","
                + "\"osVersion\":\"Android 15\",\"appVersion\":\"1.4.2\",\"installId\":\"7f1c9b2e-retention-0001\"}",
                "Authorization", "Bearer " + token).statusCode()).isEqualTo(201);
        JsonNode data = JSON.readTree(http.get("/api/v1/me/data", "Authorization", "Bearer " + token).body());
        assertThat(data.path("categories").findValuesAsText("id")).contains("devices");
        data.path("categories").forEach(c -> {
            if (c.path("id").asText().equals("devices")) {
                assertThat(c.path("count").asLong()).isEqualTo(1);
            }
        });
    }
}
