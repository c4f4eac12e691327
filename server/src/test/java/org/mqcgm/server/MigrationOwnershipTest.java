package org.mqcgm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each migration touches only its own feature's tables, so features stay separable (and a feature's schema can
 * be read in its own files). A migration is named {@code V<n>__<feature>_<what>.sql}; every table it creates,
 * alters, drops or writes must belong to that feature in {@link #OWNER}. A new table must be added to the map,
 * which is where its owner is decided. V1–V4 predate the rule (V1 laid the foundation, V3 also created the consent
 * ledger and widened sign-up rows) and cannot change: Flyway checks applied migrations' checksums.
 */
class MigrationOwnershipTest {

    /** Which feature owns each table ("platform" for shared infrastructure). */
    static final Map<String, String> OWNER = Map.ofEntries(
            Map.entry("account", "accounts"), Map.entry("account_role", "accounts"),
            Map.entry("api_token", "accounts"), Map.entry("web_session", "accounts"),
            Map.entry("device", "accounts"), Map.entry("login_challenge", "accounts"),
            Map.entry("one_time_code", "accounts"), Map.entry("recovery_code", "accounts"),
            Map.entry("registration", "accounts"), Map.entry("security_event", "accounts"),
            Map.entry("login_failure", "accounts"), Map.entry("login_known_client", "accounts"),
            Map.entry("login_device", "accounts"),

            Map.entry("passkey", "accounts"), Map.entry("passkey_user", "accounts"),
            Map.entry("passkey_challenge", "accounts"),
            Map.entry("user_key", "platform"), Map.entry("deployment_secret", "platform"),
            Map.entry("scheduled_tasks", "platform"),
            Map.entry("glucose_reading", "glucose"), Map.entry("glucose_reading_v1", "glucose"),
            Map.entry("glucose_recent", "glucose"), Map.entry("glucose_day", "glucose"),
            Map.entry("calibration", "glucose"), Map.entry("glucose_annotation", "glucose"),
            Map.entry("idempotency_key", "glucose"), Map.entry("sensor", "glucose"),
            Map.entry("sensor_session", "glucose"), Map.entry("calibration_plain_v7", "glucose"),
            Map.entry("sensor_plain_v7", "glucose"),
            Map.entry("glucose_annotation_plain_v73", "glucose"), Map.entry("sensor_session_plain_v73", "glucose"),
            Map.entry("consent_event", "privacy"), Map.entry("policy_version", "privacy"),
            Map.entry("policy_notice_seen", "privacy"),
            Map.entry("report_log", "reports"),
            Map.entry("transfer_log", "transfers"),
            Map.entry("clinician_link", "clinician"), Map.entry("clinician_link_view", "clinician"),
            Map.entry("export_job", "rights"), Map.entry("export_chunk", "rights"),
            Map.entry("import_job", "imports"),
            Map.entry("account_cancellation", "cancellation"), Map.entry("cancellation_tombstone", "cancellation"),
            Map.entry("photo", "photos"), Map.entry("logbook_checkin", "logbook"),
            Map.entry("share", "sharing"), Map.entry("share_read", "sharing"),
            Map.entry("community_profile", "community"), Map.entry("community_post", "community"),
            Map.entry("community_comment", "community"), Map.entry("community_like", "community"),
            Map.entry("community_report", "community"),
            Map.entry("crash_group", "crashes"), Map.entry("crash_report", "crashes"),
            Map.entry("alert_settings", "alerts"), Map.entry("alert", "alerts"),
            Map.entry("alert_escalation", "alerts"), Map.entry("alert_watch", "alerts"),
            Map.entry("nightscout_credential", "nightscout"),
            Map.entry("nightscout_checkin_link", "nightscout"),
            Map.entry("push_subscription", "push"), Map.entry("push_message", "push"),
            Map.entry("push_delivery", "push"),
            Map.entry("support_ticket", "support"), Map.entry("support_message", "support"),
            Map.entry("support_attachment", "support"), Map.entry("support_grant", "support"),
            Map.entry("support_grant_read", "support"), Map.entry("support_ticket_archive", "support"),
            Map.entry("support_review", "support"),
            Map.entry("nightscout_document", "nightscout"),
            Map.entry("legal_hold", "retention"), Map.entry("retention_run", "retention"),
            Map.entry("inactivity_notice", "retention"), Map.entry("research_export", "retention"),
            Map.entry("incident", "incidents"), Map.entry("incident_recipient", "incidents"),
            Map.entry("incident_delivery", "incidents"), Map.entry("incident_step", "incidents"),
            Map.entry("security_report", "incidents"), Map.entry("egress_log", "egress"),
            Map.entry("egress_recipient", "egress"), Map.entry("egress_consent", "egress"),
            Map.entry("egress_cursor", "egress"), Map.entry("disclosure", "disclosures"),
            Map.entry("disclosure_subject", "disclosures"), Map.entry("disclosure_event", "disclosures"),
            Map.entry("emergency_contact", "disclosures"), Map.entry("rights_request", "requests"),
            Map.entry("rights_request_event", "requests"), Map.entry("newsletter_issue", "newsletter"),
            Map.entry("purpose_violation", "platform"), Map.entry("rate_limit_window", "platform"), Map.entry("security_event_count", "platform"), Map.entry("security_alert", "platform"), Map.entry("policy_contact", "privacy"),
            Map.entry("birth_date", "guardians"), Map.entry("minor", "guardians"),
            Map.entry("guardian_invitation", "guardians"), Map.entry("guardianship", "guardians"),
            Map.entry("child_report", "guardians"),
            Map.entry("controller_change", "handover"), Map.entry("controller_change_recipient", "handover"),
            Map.entry("controller_change_delivery", "handover"), Map.entry("policy_freeze", "privacy"));

    static final Set<String> FEATURES = Set.of("platform", "accounts", "glucose", "reports", "privacy", "transfers",
            "rights", "cancellation", "photos", "sharing", "logbook", "clinician", "community", "crashes", "alerts",
            "push", "support", "nightscout", "imports", "retention", "incidents", "egress", "disclosures",
            "requests", "newsletter", "guardians", "handover");

    static final int FIRST_UNDER_THE_RULE = 5;

    private static final Pattern NAME = Pattern.compile("V(\\d+)__([a-z]+)_[a-z0-9_]+\\.sql");
    private static final Pattern TABLE = Pattern.compile(
            "\\b(?:create\\s+(?:unlogged\\s+)?table(?:\\s+if\\s+not\\s+exists)?|alter\\s+table(?:\\s+if\\s+exists)?"
                    + "|drop\\s+table(?:\\s+if\\s+exists)?|insert\\s+into|update|delete\\s+from|truncate(?:\\s+table)?"
                    + "|references|create\\s+(?:or\\s+replace\\s+)?trigger\\s+\\w+\\s+(?:before|after|instead\\s+of)"
                    + "\\s+[a-z_,\\s]+?\\s+on|create\\s+(?:unique\\s+)?index(?:\\s+if\\s+not\\s+exists)?\\s+\\w+\\s+on)"
                    + "\\s+(?:only\\s+)?(?!(?:on|or|of)\\b)([a-z_][a-z0-9_]*)");

    static List<Path> migrations() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
        }
    }

    /** The tables a migration's statements name (comments removed). */
    static Set<String> tables(String sql) {
        String code = sql.replaceAll("(?m)--.*$", "").replaceAll("(?s)/\\*.*?\\*/", "").toLowerCase(Locale.ROOT);
        Set<String> tables = new LinkedHashSet<>();
        Matcher m = TABLE.matcher(code);
        while (m.find()) {
            tables.add(m.group(1));
        }
        return tables;
    }

    @Test
    void everyMigrationTouchesOnlyItsOwnFeaturesTables() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : migrations()) {
            String name = file.getFileName().toString();
            Matcher n = Pattern.compile("V(\\d+)__.*").matcher(name);
            assertThat(n.matches()).as(name).isTrue();
            int version = Integer.parseInt(n.group(1));
            Set<String> tables = tables(Files.readString(file, StandardCharsets.UTF_8));
            for (String t : tables) {
                if (!OWNER.containsKey(t)) {
                    problems.add(name + ": table " + t + " has no owner in MigrationOwnershipTest.OWNER");
                }
            }
            if (version < FIRST_UNDER_THE_RULE) {
                continue;
            }
            Matcher m = NAME.matcher(name);
            if (!m.matches() || !FEATURES.contains(m.group(2))) {
                problems.add(name + ": name it V<n>__<feature>_<what>.sql with a feature of " + FEATURES);
                continue;
            }
            String sql = Files.readString(file, StandardCharsets.UTF_8);
            for (String t : tables(sql)) {
                String owner = OWNER.get(t);
                // Every user-owned table references account (owner_id … on delete cascade): that is no touch.
                if (owner != null && !owner.equals(m.group(2)) && !onlyReferenced(sql, t)) {
                    problems.add(name + ": touches " + t + ", a table of " + owner);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** Whether a migration names {@code table} only as the target of foreign keys. */
    static boolean onlyReferenced(String sql, String table) {
        String code = sql.replaceAll("(?m)--.*$", "").replaceAll("(?s)/\\*.*?\\*/", "").toLowerCase(Locale.ROOT);
        return !tables(code.replaceAll("\\breferences\\s+" + table + "\\b", "")).contains(table);
    }

    @Test
    void theRuleSeesTheStatementsThatTouchTables() {
        assertThat(tables("""
                -- alter table ignored_in_a_comment add column x int;
                create table if not exists a_new (owner_id uuid references account (id));
                alter table calibration add column payload bytea;
                update glucose_day set n = 1; delete from report_log; insert into consent_event values (1);
                create index report_log_at on report_log (at);
                drop table if exists old_one;
                create trigger t before update or delete on consent_event for each row execute function f();
                create trigger u before truncate on sensor for each statement execute function f();
                """)).containsExactlyInAnyOrder("a_new", "account", "calibration", "glucose_day", "report_log",
                "consent_event", "old_one", "sensor");
    }
}
