package org.mqcgm.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The consent ledger is append-only in the database (PR-67): with the application's own database role a row can be
 * inserted, never updated or deleted, except by an erasure that says so with {@code set local mqcgm.erasure = 'on'}.
 * Signing up records the acceptance of the privacy policy with its version, which the consent API returns (PR-01).
 */
class ConsentLedgerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    static final Pattern REGISTRATION = Pattern.compile("name=\"registration\" value=\"([0-9a-f-]{36})\"");

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    /** The application's database role (the same user and password the app's pool connects with). */
    static Jdbi db() {
        return app.sql();
    }

    static int rows(UUID owner) {
        return db().withHandle(h -> h.createQuery("select count(*) from consent_event where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    static void insert(Handle h, UUID owner) {
        h.execute("insert into consent_event (owner_id, id, at, purpose, granted, channel, policy_version) "
                + "values (?, gen_random_uuid(), now(), 'health-data', false, 'test', 'x')", owner);
    }

    @Test
    void anInsertWorksButAnUpdateADeleteOrATruncateIsRefused() {
        UUID owner = app.newUser("ledger-append@example.org");
        db().useHandle(h -> insert(h, owner));
        assertThat(rows(owner)).isEqualTo(2);

        assertThatThrownBy(() -> db().useHandle(h -> h.execute(
                "update consent_event set granted = not granted where owner_id = ?", owner)))
                .hasMessageContaining("consent_event is append-only").hasMessageContaining("UPDATE");
        assertThatThrownBy(() -> db().useHandle(h -> h.execute(
                "delete from consent_event where owner_id = ?", owner)))
                .hasMessageContaining("consent_event is append-only").hasMessageContaining("DELETE");
        assertThatThrownBy(() -> db().useHandle(h -> h.execute("truncate consent_event")))
                .hasMessageContaining("consent_event is append-only").hasMessageContaining("TRUNCATE");
        // Deleting the account would cascade to its ledger: refused the same way.
        assertThatThrownBy(() -> db().useHandle(h -> h.execute("delete from account where id = ?", owner)))
                .hasMessageContaining("consent_event is append-only");

        assertThat(rows(owner)).isEqualTo(2);
        int granted = db().withHandle(h -> h.createQuery(
                "select count(*) from consent_event where owner_id = :o and granted").bind("o", owner)
                .mapTo(Integer.class).one());
        assertThat(granted).isEqualTo(1);
    }

    @Test
    void onlyAnErasureThatSetsTheTransactionLocalSettingMayDelete() {
        UUID owner = app.newUser("ledger-erasure@example.org");
        UUID other = app.newUser("ledger-erasure-other@example.org");

        // The setting lasts only for its transaction: the next one on the same connection is refused again.
        db().useHandle(h -> {
            h.useTransaction(t -> {
                t.execute("set local mqcgm.erasure = 'on'");
                assertThat(t.execute("delete from consent_event where owner_id = ?", owner)).isEqualTo(1);
            });
            assertThatThrownBy(() -> h.execute("delete from consent_event where owner_id = ?", other))
                    .hasMessageContaining("consent_event is append-only");
            // Any other value is no escape; an update is refused even inside an erasure.
            assertThatThrownBy(() -> h.useTransaction(t -> {
                t.execute("set local mqcgm.erasure = 'yes'");
                t.execute("delete from consent_event where owner_id = ?", other);
            })).hasMessageContaining("consent_event is append-only");
            assertThatThrownBy(() -> h.useTransaction(t -> {
                t.execute("set local mqcgm.erasure = 'on'");
                t.execute("update consent_event set channel = 'x' where owner_id = ?", other);
            })).hasMessageContaining("consent_event is append-only");
        });
        assertThat(rows(owner)).isZero();
        assertThat(rows(other)).isEqualTo(1);

        // With the setting, deleting the account takes its ledger with it (the cascade).
        db().useTransaction(t -> {
            t.execute("set local mqcgm.erasure = 'on'");
            t.execute("delete from account where id = ?", other);
        });
        assertThat(rows(other)).isZero();
    }

    @Test
    @org.junit.jupiter.api.Tag("PR-01")
    void signingUpRecordsThePolicyAcceptanceWithItsVersionAndTheApiReturnsIt() throws Exception {
        Http http = new Http(app.url());
        HttpResponse<String> started = http.postForm("/signup", Map.of("identifier", "ledger-signup@example.org",
                "password", TestApp.PASSWORD, "time_zone", "Asia/Shanghai", "accept_policy", "yes",
                "health_data_consent", "yes", "birth_date", "1990-05-01"));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        Matcher registration = REGISTRATION.matcher(started.body());
        assertThat(registration.find()).as(started.body()).isTrue();
        String code = app.awaitOutbox("ledger-signup@example.org", CODE);
        HttpResponse<String> done = http.postForm("/signup/verify", Map.of("registration", registration.group(1),
                "code", code, "sent_to", "x", "channel", "email"));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);

        UUID owner = db().withHandle(h -> h.createQuery(
                        "select owner_id from consent_event where purpose = 'policy' and channel = 'signup'")
                .mapTo(UUID.class).one());
        String stored = db().withHandle(h -> h.createQuery(
                        "select policy_version from consent_event where owner_id = :o and purpose = 'policy'")
                .bind("o", owner).mapTo(String.class).one());
        assertThat(stored).isEqualTo(app.app().policyVersions().current().version()).hasSize(16);

        HttpResponse<String> ledger = http.get("/api/v1/me/consents", "Accept", "application/json");
        assertThat(ledger.statusCode()).as(ledger.body()).isEqualTo(200);
        JsonNode events = JSON.readTree(ledger.body());
        assertThat(events.isArray()).isTrue();
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path("purpose").asText()).isEqualTo("policy");
            assertThat(e.path("granted").asBoolean()).isTrue();
            assertThat(e.path("channel").asText()).isEqualTo("signup");
            assertThat(e.path("policyVersion").asText()).isEqualTo(app.app().policyVersions().current().version());
        });
        assertThat(events).allSatisfy(e ->
                assertThat(e.path("policyVersion").asText()).isEqualTo(app.app().policyVersions().current().version()));
        assertThat(events).hasSize(2);
    }

    @Test
    void thePolicyCannotBeGrantedOrWithdrawnThroughTheConsentApi() {
        String token = app.newUserToken("ledger-api@example.org");
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/me/consents",
                "{\"purpose\":\"policy\",\"granted\":false}", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("$.purpose");
        assertThat(Purpose.parse("policy")).contains(Purpose.POLICY);
    }

    @Test
    void aChoiceReadWhileItsWithdrawalWasUncommittedIsNotCachedPastTheCommit() {
        UUID owner = app.newUser("ledger-race@example.org");
        // A node of its own without a listener: only the withdrawing transaction itself can clear its cache.
        ConsentLedger node = new ConsentLedger(db(), java.time.Clock.systemUTC(),
                new PolicyVersions(db(), java.time.Clock.systemUTC()));
        Purpose health = Purpose.HEALTH_DATA;
        assertThat(node.granted(owner, health)).isTrue();
        try (Handle h = db().open()) {
            h.begin();
            node.record(h, owner, health, false, "test");
            // Another request reads the committed state (still granted) and caches it.
            assertThat(node.granted(owner, health)).isTrue();
            h.commit();
        }
        assertThat(node.granted(owner, health)).as("read after the withdrawal committed").isFalse();
    }
}
