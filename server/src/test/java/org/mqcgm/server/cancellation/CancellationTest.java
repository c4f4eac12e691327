package org.mqcgm.server.cancellation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.AllAtOnce;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.Wait;

/**
 * Account cancellation end to end over HTTP against the real server and PostgreSQL: what stops at once, what the
 * erasure job leaves (nothing of the person in any column of any table), the deletion ledger, the confirmation, the
 * key, and the races and refusals around it.
 */
class CancellationTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String EMAIL_CONTEXT = "account.email";

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    /** A user with a token holding every scope, some data of every kind, a device and a web session. */
    record Person(UUID id, String email, String token, Http web) {
        HttpResponse<String> api(String method, String path, String body) {
            return new Http(app.url()).send(method, path, body, "Authorization", "Bearer " + token,
                    "Content-Type", "application/json");
        }
    }

    static Person person(String email) throws Exception {
        UUID id = app.newUser(email);
        String token = app.app().apiTokens().create(id, "all", EnumSet.allOf(Scope.class));
        Person p = new Person(id, email, token, new Http(app.url()));
        Instant now = Instant.now();
        String recent = now.minus(Duration.ofMinutes(10)).atOffset(ZoneOffset.UTC).toString();
        String old = now.minus(Duration.ofDays(3)).atOffset(ZoneOffset.UTC).toString();
        assertThat(p.api("POST", "/api/v1/readings", "[{\"time\":\"" + recent + "\",\"mgdl\":111},{\"time\":\""
                + old + "\",\"mgdl\":122}]").statusCode()).isEqualTo(200);
        assertThat(p.api("POST", "/api/v1/calibrations", "{\"time\":\"" + recent + "\",\"mgdl\":115}")
                .statusCode()).isEqualTo(201);
        assertThat(p.api("POST", "/api/v1/annotations", "{\"start\":\"" + old + "\",\"end\":\"" + recent
                + "\",\"kind\":\"meal\",\"note\":\"lunch\"}").statusCode()).isEqualTo(201);
        String sensor = JSON.readTree(p.api("POST", "/api/v1/sensors", "{\"model\":\"CGM\",\"serial\":\"S1\"}")
                .body()).path("id").asText();
        assertThat(p.api("POST", "/api/v1/sensors/" + sensor + "/sessions", "{\"start\":\"" + old + "\"}")
                .statusCode()).isEqualTo(201);
        assertThat(p.api("POST", "/api/v1/devices", "{\"platform\":\"ios\",\"model\":\"iPhone 15\",\"osVersion\":"
                + "\"iOS 18\",\"appVersion\":\"2.0\",\"installId\":\"install-" + id + "\"}").statusCode())
                .isEqualTo(201);
        assertThat(p.api("GET", "/api/v1/reports", null).statusCode()).isEqualTo(200);
        HttpResponse<String> login = p.web().postForm("/login", Map.of("identifier", email,
                "password", TestApp.PASSWORD));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        return p;
    }

    static HttpResponse<String> cancel(Person p, String body) {
        return p.api("POST", "/api/v1/me/cancellation", body);
    }

    static void eraseQueued(UUID account) {
        app.app().jobs().runNow(CancellationFeature.JOB);
        // The scheduler may have taken the row first on its own thread: wait for its commit.
        Wait.until("the account is erased", () -> !accountExists(account));
    }

    static boolean accountExists(UUID account) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from account where id = :id")
                .bind("id", account).mapTo(Integer.class).one()) > 0;
    }

    static byte[] emailCiphertext(UUID account) {
        return app.sql().withHandle(h -> h.createQuery("select email_enc from account where id = :id")
                .bind("id", account).mapTo(byte[].class).one());
    }

    /** The deletion ledger of the test app: beside its outbox folder, the default place. */
    static java.nio.file.Path ledger() {
        return app.masterKeyFile().resolveSibling("deletion-ledger.txt");
    }

    static List<UUID> tombstones() {
        return app.sql().withHandle(h -> h.createQuery("select id from cancellation_tombstone").mapTo(UUID.class)
                .list());
    }

    static UserKeys keys() {
        return new UserKeys(app.sql(), MasterKey.load(app.masterKeyFile()));
    }

    @Test
    @Tag("PR-68")
    @Tag("PR-87")
    @Tag("PR-88")
    void cancellingStopsEveryCredentialAtOnceAndTheJobLeavesNothingOfThePerson() throws Exception {
        Person p = person("leaving@example.org");
        Person stays = person("staying@example.org");
        assertThat(UserTraces.of(app.sql(), p.id())).as("the scan finds the person before")
                .contains("account.id (1 rows)", "glucose_recent.owner_id (1 rows)", "device.owner_id (1 rows)",
                        "consent_event.owner_id (1 rows)");
        byte[] copiedOut = emailCiphertext(p.id());
        List<UUID> tombstonesBefore = tombstones();
        assertThat(keys().decryptString(p.id(), EMAIL_CONTEXT, copiedOut)).isEqualTo(p.email());
        Instant asked = Instant.now();

        HttpResponse<String> r = cancel(p, "{\"password\":\"" + TestApp.PASSWORD + "\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("status").asText()).isEqualTo("scheduled");
        Instant completeBy = Instant.parse(answer.path("completeBy").asText());
        assertThat(completeBy).isBetween(asked.plus(Duration.ofHours(24)).minusSeconds(5),
                Instant.now().plus(Duration.ofHours(24)));
        // At once: no login, no session, no token, no upload, no push alias.
        assertThat(new Http(app.url()).postJson("/api/v1/auth/token", "{\"identifier\":\"" + p.email()
                + "\",\"password\":\"" + TestApp.PASSWORD + "\"}").statusCode()).isEqualTo(401);
        assertThat(p.web().get("/api/v1/me").statusCode()).isEqualTo(401);
        assertThat(p.web().get("/settings").headers().firstValue("Location").orElse("")).startsWith("/login");
        assertThat(p.api("GET", "/api/v1/me", null).statusCode()).isEqualTo(401);
        assertThat(p.api("POST", "/api/v1/readings", "[{\"time\":\"" + Instant.now().minusSeconds(60)
                + "\",\"mgdl\":130}]").statusCode()).isEqualTo(401);
        int linkedDevices = app.sql().withHandle(h -> h.createQuery(
                        "select count(*) from device where owner_id = :o and (push_alias is not null or unlinked_at is null)")
                .bind("o", p.id()).mapTo(Integer.class).one());
        assertThat(linkedDevices).isZero();

        eraseQueued(p.id());

        assertThat(UserTraces.of(app.sql(), p.id())).as("columns holding the cancelled account's id").isEmpty();
        assertThat(UserTraces.of(app.sql(), stays.id())).as("the other user is untouched")
                .contains("account.id (1 rows)", "glucose_recent.owner_id (1 rows)");
        assertThat(stays.api("GET", "/api/v1/me", null).statusCode()).isEqualTo(200);
        // What remains: a tombstone with a random id and the day, and the id in the ledger outside the database.
        List<UUID> tombstones = new java.util.ArrayList<>(tombstones());
        tombstones.removeAll(tombstonesBefore);
        assertThat(tombstones).hasSize(1).doesNotContain(p.id());
        assertThat(Files.readAllLines(ledger())).contains(p.id().toString());
        // The key is gone: ciphertext copied out before (as a backup holds it) cannot be read.
        assertThatThrownBy(() -> keys().decryptString(p.id(), EMAIL_CONTEXT, copiedOut))
                .isInstanceOf(UserKeys.KeyDestroyedException.class);
        // The person is told, at the address read before the erasure.
        assertThat(app.awaitOutbox(p.email(), Pattern.compile("(all its data was erased)"))).isNotEmpty();
        assertThat(new Http(app.url()).postJson("/api/v1/auth/token", "{\"identifier\":\"" + p.email()
                + "\",\"password\":\"" + TestApp.PASSWORD + "\"}").statusCode()).isEqualTo(401);
    }

    @Test
    @Tag("PR-68")
    void cancellingEndsTheOpenEventStreamsOfTheTokenAndTheSession() throws Exception {
        Person p = person("streaming@example.org");
        org.mqcgm.server.testing.EventStream byToken = org.mqcgm.server.testing.EventStream.open(app,
                "Authorization", "Bearer " + p.token());
        org.mqcgm.server.testing.EventStream bySession = org.mqcgm.server.testing.EventStream.open(app,
                "Cookie", "SESSION=" + p.web().cookie("SESSION").orElseThrow());
        org.mqcgm.server.testing.EventStream.upload(app, p.token(), 140, 30);
        assertThat(byToken.nextReading()).contains("\"mgdl\":140");

        assertThat(cancel(p, "{\"password\":\"" + TestApp.PASSWORD + "\"}").statusCode()).isEqualTo(202);

        byToken.awaitEnd();
        bySession.awaitEnd();
        eraseQueued(p.id()); // no cancellation is left queued for the other tests of the class
    }

    /**
     * Another server node that read the person's data before has their key in its cache; the erasure on this node
     * reaches it (NOTIFY on commit), so it cannot decrypt either — while a node that missed the notice would.
     */
    @Test
    @Tag("PR-65")
    void theKeyLeavesTheCacheOfEveryNode() throws Exception {
        Person p = person("two-nodes@example.org");
        byte[] ciphertext = emailCiphertext(p.id());
        try (org.mqcgm.server.platform.db.Database db = org.mqcgm.server.platform.db.Database.open(app.jdbcUrl(),
                org.mqcgm.server.testing.TestDatabase.user(), org.mqcgm.server.testing.TestDatabase.password(), 3);
             org.mqcgm.server.platform.db.Notifications notifications =
                     new org.mqcgm.server.platform.db.Notifications(db.dataSource())) {
            UserKeys nodeB = new UserKeys(db.jdbi(), MasterKey.load(app.masterKeyFile()));
            nodeB.listen(notifications);
            notifications.start();
            UserKeys deaf = new UserKeys(db.jdbi(), MasterKey.load(app.masterKeyFile()));
            assertThat(nodeB.decryptString(p.id(), EMAIL_CONTEXT, ciphertext)).isEqualTo(p.email()); // cached
            assertThat(deaf.decryptString(p.id(), EMAIL_CONTEXT, ciphertext)).isEqualTo(p.email()); // cached

            assertThat(cancel(p, "{\"password\":\"" + TestApp.PASSWORD + "\"}").statusCode()).isEqualTo(202);
            eraseQueued(p.id());

            Wait.until("node B forgot the destroyed key", () -> {
                try {
                    nodeB.decrypt(p.id(), EMAIL_CONTEXT, ciphertext);
                    return false;
                } catch (UserKeys.KeyDestroyedException e) {
                    return true;
                }
            });
            // What the notice is for: a cache that never heard of the erasure still holds the key.
            assertThat(deaf.decryptString(p.id(), EMAIL_CONTEXT, ciphertext)).isEqualTo(p.email());
        }
    }

    @Test
    @Tag("PR-64")
    void aWrongPasswordIsRefusedAndChangesNothing() throws Exception {
        Person p = person("wrong-password@example.org");

        HttpResponse<String> wrong = cancel(p, "{\"password\":\"not my password\"}");
        HttpResponse<String> missing = cancel(p, "{}");
        HttpResponse<String> extra = cancel(p, "{\"password\":\"" + TestApp.PASSWORD + "\",\"reason\":\"x\"}");

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("confirm-failed").contains("\"field\":\"password\"");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("\"field\":\"$.password\"");
        assertThat(extra.statusCode()).isEqualTo(400);
        assertThat(extra.body()).contains("\"field\":\"$.reason\"");
        app.app().jobs().runNow(CancellationFeature.JOB);
        assertThat(p.api("GET", "/api/v1/me", null).statusCode()).isEqualTo(200);
        assertThat(p.web().get("/api/v1/me").statusCode()).isEqualTo(200);
        String status = app.sql().withHandle(h -> h.createQuery("select status from account where id = :id")
                .bind("id", p.id()).mapTo(String.class).one());
        assertThat(status).isEqualTo("active");
        int queued = app.sql().withHandle(h -> h.createQuery("select count(*) from account_cancellation")
                .mapTo(Integer.class).one());
        assertThat(queued).isZero();
        assertThat(app.app().apiTokens().list(p.id())).allSatisfy(t -> assertThat(t.active()).isTrue());
    }

    @Test
    @Tag("PR-64")
    void withTwoFactorOnTheCurrentCodeIsNeededToo() throws Exception {
        Person p = person("two-factor@example.org");
        String secret = app.app().accounts().startTwoFactor(p.id()).secret();
        long now = Instant.now().getEpochSecond();
        app.app().accounts().enableTwoFactor(p.id(), org.mqcgm.server.testing.TestTotp.code(secret, now),
                org.mqcgm.server.accounts.ClientFacts.NONE);

        HttpResponse<String> noCode = cancel(p, "{\"password\":\"" + TestApp.PASSWORD + "\"}");
        HttpResponse<String> wrongCode = cancel(p, "{\"password\":\"" + TestApp.PASSWORD + "\",\"code\":\"000000\"}");
        assertThat(noCode.statusCode()).isEqualTo(401);
        assertThat(noCode.body()).contains("confirm-failed").contains("\"field\":\"code\"");
        assertThat(wrongCode.statusCode()).isEqualTo(401);
        assertThat(p.api("GET", "/api/v1/me", null).statusCode()).isEqualTo(200);

        // The next step's code (the one just used for enabling is never accepted twice).
        HttpResponse<String> ok = cancel(p, "{\"password\":\"" + TestApp.PASSWORD + "\",\"code\":\""
                + org.mqcgm.server.testing.TestTotp.code(secret, now + 30) + "\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        eraseQueued(p.id());
    }

    @Test
    void aTokenWithoutAccountManageCannotCancel() {
        UUID id = app.newUser("narrow-token@example.org");
        String token = app.app().apiTokens().create(id, "narrow", EnumSet.of(Scope.READINGS_WRITE,
                Scope.PROFILE_READ));
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/me/cancellation",
                "{\"password\":\"" + TestApp.PASSWORD + "\"}", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(accountExists(id)).isTrue();
        assertThat(app.app().apiTokens().list(id)).allSatisfy(t -> assertThat(t.active()).isTrue());
    }

    @Test
    @Tag("PR-87")
    void cancellationRacedWithUploadsLeavesNothingOfThePerson() throws Exception {
        Person p = person("racing@example.org");
        Instant base = Instant.now().minus(Duration.ofHours(6));
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        List<Integer> statuses = AllAtOnce.run(12, () -> {
            int n = calls.getAndIncrement();
            if (n == 0) {
                int status = cancel(p, "{\"password\":\"" + TestApp.PASSWORD + "\"}").statusCode();
                app.app().jobs().runNow(CancellationFeature.JOB);
                return status;
            }
            int last = 0;
            for (int i = 0; i < 5; i++) {
                Instant t = base.plusSeconds(n * 1000 + i * 60);
                last = p.api("POST", "/api/v1/readings", "[{\"time\":\"" + t + "\",\"mgdl\":" + (100 + i) + "}]")
                        .statusCode();
            }
            return last;
        });
        // The uploads that passed access control before the cancellation may still be writing: the job erases
        // what they committed (the account row's delete waits for them), later ones find no account. One whose
        // token was checked just before the account closed meets the health-data consent the cancellation withdrew
        // (403) and writes nothing.
        eraseQueued(p.id());

        assertThat(statuses).as("the cancellation").contains(202);
        assertThat(statuses).allSatisfy(s -> assertThat(s).isIn(200, 202, 401, 403));
        assertThat(UserTraces.of(app.sql(), p.id())).isEmpty();
    }

    @Test
    @Tag("PR-88")
    void signingUpAgainWithTheSameAddressGivesAFreshEmptyAccount() throws Exception {
        Person p = person("again@example.org");
        assertThat(cancel(p, "{\"password\":\"" + TestApp.PASSWORD + "\"}").statusCode()).isEqualTo(202);
        eraseQueued(p.id());

        Http http = new Http(app.url());
        HttpResponse<String> started = http.postForm("/signup", Map.of("identifier", p.email(),
                "password", TestApp.PASSWORD, "time_zone", "Europe/Berlin", "accept_policy", "yes",
                "health_data_consent", "yes", "birth_date", "1990-05-01"));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        var registration = Pattern.compile("name=\"registration\" value=\"([0-9a-f-]{36})\"").matcher(started.body());
        assertThat(registration.find()).isTrue();
        String code = app.awaitOutbox(p.email(), Pattern.compile("\\b(\\d{6})\\b"));
        HttpResponse<String> done = http.postForm("/signup/verify", Map.of("registration", registration.group(1),
                "code", code, "sent_to", "x", "channel", "email"));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);

        JsonNode me = JSON.readTree(http.get("/api/v1/me", "Accept", "application/json").body());
        assertThat(me.path("id").asText()).isNotEmpty().isNotEqualTo(p.id().toString());
        HttpResponse<String> readings = http.get("/api/v1/readings?from="
                + Instant.now().minus(Duration.ofDays(30)) + "&to=" + Instant.now().plus(Duration.ofDays(1)), "Accept", "application/json");
        assertThat(readings.statusCode()).as(readings.body()).isEqualTo(200);
        assertThat(readings.body()).isEqualTo("[]");
    }

    /**
     * A cancelled account shares and publishes nothing more while it waits for erasure: its follower, its clinician
     * link and its public post answer 404 at once.
     */
    @Test
    void aCancelledAccountStopsSharingAndPublishingAtOnce() throws Exception {
        ObjectMapper json = new ObjectMapper();
        UUID id = app.newUser("sharer-cancels@example.org");
        String[] auth = {"Authorization", "Bearer " + app.app().apiTokens().create(id, "all",
                EnumSet.allOf(Scope.class))};
        Http http = new Http(app.url());
        assertThat(http.postJson("/api/v1/readings", "[{\"time\":\"" + Instant.now().minusSeconds(300)
                + "\",\"mgdl\":120}]", auth).statusCode()).isEqualTo(200);
        for (String purpose : List.of("sharing", "community")) {
            assertThat(http.postJson("/api/v1/me/consents", "{\"purpose\":\"" + purpose + "\",\"granted\":true}",
                    auth).statusCode()).isIn(200, 201);
        }
        String invitation = json.readTree(http.postJson("/api/v1/shares", "{\"scopes\":[\"glucose\"]}", auth)
                .body()).path("invitation").asText();
        String[] follower = {"Authorization", "Bearer " + app.newUserToken("follows-canceller@example.org")};
        assertThat(http.postJson("/api/v1/following", "{\"invitation\":\"" + invitation + "\"}", follower)
                .statusCode()).isEqualTo(201);
        String link = json.readTree(http.postJson("/api/v1/shares/links", "{\"label\":\"Dr Gone\",\"from\":\""
                + java.time.LocalDate.now(ZoneOffset.UTC).minusDays(3) + "\",\"to\":\""
                + java.time.LocalDate.now(ZoneOffset.UTC) + "\"}", auth).body()).path("url").asText();
        String linkPath = link.substring(link.indexOf("/c/"));
        String post = json.readTree(http.postJson("/api/v1/posts", "{\"text\":\"farewell\",\"visibility\":"
                + "\"public\"}", auth).body()).path("id").asText();
        String latest = "/api/v1/people/" + id + "/readings/latest";
        assertThat(http.get(latest, follower).statusCode()).isEqualTo(200);
        assertThat(new Http(app.url()).get(linkPath).statusCode()).isEqualTo(200);
        assertThat(new Http(app.url()).get("/api/v1/posts/" + post).statusCode()).isEqualTo(200);

        assertThat(http.postJson("/api/v1/me/cancellation", "{\"password\":\"" + TestApp.PASSWORD + "\"}", auth)
                .statusCode()).isEqualTo(202);
        assertThat(http.get(latest, follower).statusCode()).isEqualTo(404);
        assertThat(new Http(app.url()).get(linkPath).statusCode()).isEqualTo(404);
        assertThat(new Http(app.url()).get("/api/v1/posts/" + post).statusCode()).isEqualTo(404);
        // Erased now, so that the background job does not erase it during another test of this class.
        eraseQueued(id);
    }

    /**
     * An operator's cancellation ({@code mqcgm admin cancel-account}) withdraws the person's consents as the web and
     * API path does: sharing stops at once, the ledger says "cancellation".
     */
    @Test
    void anOperatorsCancellationWithdrawsEveryConsentLikeTheUsersOwn() throws Exception {
        String email = "operator-cancelled@example.org";
        UUID id = app.newUser(email);
        app.app().consents().record(id, org.mqcgm.server.platform.consent.Consents.Purpose.SHARING, true, "test");
        assertThat(app.app().consents().granted(id, org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA))
                .isTrue();
        java.nio.file.Path ledger = app.masterKeyFile().resolveSibling("operator-ledger.txt");
        java.util.List<String> withdrawn;
        // The running server's job erases the queued account within moments (its ledger with it): a key-share lock
        // on the account row holds that erasure back (closing the account changes no key) while we look.
        try (org.jdbi.v3.core.Handle look = app.sql().open()) {
            look.begin();
            look.createQuery("select 1 from account where id = :o for key share").bind("o", id)
                    .mapTo(Integer.class).one();
            try (CancellationAdministration admin = CancellationAdministration.open(
                    BackupRestoreTest.config(app.jdbcUrl(), app, ledger), false)) {
                admin.cancel(email, "asked by phone, verified by the support team", false);
            }
            withdrawn = look.createQuery("""
                            select purpose from consent_event where owner_id = :o and not granted
                              and channel = 'cancellation' and subject is null""")
                    .bind("o", id).mapTo(String.class).list();
            look.rollback();
        }
        assertThat(withdrawn).contains("health-data", "sharing");
        org.mqcgm.testkit.Wait.until("the server hears the withdrawal", () -> app.app().consents().granted(id,
                org.mqcgm.server.platform.consent.Consents.Purpose.SHARING), granted -> !granted);
    }
}
