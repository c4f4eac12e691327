package org.mqcgm.server.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Grant;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.security.ShareScope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** The wearer's shares and the follower's side over HTTP: invitations, acceptance, refusals, revocation, limits. */
class SharesApiTest {

    static final int MAX = 3;

    @RegisterExtension
    static final TestApp app = TestApp.perClass(c -> c.withMaxFollowers(MAX));

    static final ObjectMapper JSON = new ObjectMapper();
    static int seq;

    /** An account with a token of every scope. */
    record Person(UUID id, String login, String[] auth, Http http) {
        HttpResponse<String> post(String path, String body) {
            return http.postJson(path, body, auth);
        }

        HttpResponse<String> get(String path) {
            return http.get(path, auth);
        }

        HttpResponse<String> delete(String path) {
            return http.send("DELETE", path, "", auth);
        }
    }

    static Person person(String name, boolean sharingConsent) {
        String login = name + (++seq) + "@example.org";
        UUID id = app.newUser(login);
        if (sharingConsent) {
            app.app().consents().record(id, Purpose.SHARING, true, "test");
        }
        String token = app.app().apiTokens().create(id, "all", EnumSet.allOf(Scope.class));
        return new Person(id, login, new String[] {"Authorization", "Bearer " + token}, new Http(app.url()));
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static String invite(Person wearer, String body) throws Exception {
        HttpResponse<String> r = wearer.post("/api/v1/shares", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).path("invitation").asText();
    }

    @Test
    void sharingNeedsTheWearersConsent() {
        Person wearer = person("noconsent", false);
        HttpResponse<String> r = wearer.post("/api/v1/shares", "{\"scopes\":[\"glucose\"]}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("\"code\":\"CONSENT_REQUIRED\"").contains("\"purpose\":\"sharing\"")
                .contains("consent to 'sharing'").doesNotContain("Glucose readings");
        assertThat(shareCount(wearer.id())).isZero();
    }

    /**
     * PR-44: the share to recipient X with exactly the chosen categories is recorded in the consent ledger (the
     * share, the categories, the window, the masked recipient), and the grant the access check gets covers exactly
     * those categories.
     */
    @Test
    @Tag("PR-44")
    void aShareRecordsTheRecipientAndExactCategoriesInTheLedgerAndGrantsOnlyThose() throws Exception {
        Person wearer = person("wearer", true);
        Person follower = person("follower", true);
        HttpResponse<String> created = wearer.post("/api/v1/shares", "{\"with\":\"Carer@Example.org\","
                + "\"scopes\":[\"glucose\"],\"historyDays\":14,\"alerts\":{\"lowMgdl\":70,\"highMgdl\":250}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = json(created);
        String id = body.path("id").asText();
        String code = body.path("invitation").asText();
        assertThat(body.path("link").asText()).isEqualTo("http://mqcgm.test/follow/" + code);

        List<String> ledger = app.sql().withHandle(h -> h.createQuery("""
                        select channel from consent_event where owner_id = :o and purpose = 'sharing' and granted""")
                .bind("o", wearer.id()).mapTo(String.class).list());
        assertThat(ledger).anySatisfy(channel -> assertThat(channel).contains("share " + id)
                .contains("[glucose]").contains("last 14 days").contains("c***@example.org")
                .doesNotContain("history"));

        HttpResponse<String> accepted = follower.post("/api/v1/following", "{\"invitation\":\"" + code + "\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        JsonNode f = json(accepted);
        assertThat(f.path("person").asText()).isEqualTo(wearer.id().toString());
        assertThat(f.path("name").asText()).isEqualTo(wearer.login());
        assertThat(f.path("scopes").toString()).isEqualTo("[\"glucose\"]");

        Grant grant = app.app().feature(SharingFeature.class).grants().active(wearer.id(), follower.id())
                .orElseThrow();
        assertThat(grant.scopes()).containsExactly(ShareScope.GLUCOSE);
        assertThat(grant.visibleFrom()).isBetween(Instant.now().minus(java.time.Duration.ofDays(14)).minusSeconds(60),
                Instant.now().minus(java.time.Duration.ofDays(14)).plusSeconds(60));
        assertThat(app.app().feature(SharingFeature.class).grants().active(follower.id(), wearer.id())).isEmpty();

        JsonNode shares = json(wearer.get("/api/v1/shares"));
        assertThat(shares).hasSize(1);
        assertThat(shares.get(0).path("status").asText()).isEqualTo("active");
        assertThat(shares.get(0).path("follower").asText()).isEqualTo(follower.login());
        assertThat(shares.get(0).path("with").asText()).isEqualTo("c***@example.org");
        assertThat(shares.get(0).path("alerts").toString()).isEqualTo("{\"lowMgdl\":70,\"highMgdl\":250}");
        JsonNode following = json(follower.get("/api/v1/following"));
        assertThat(following).hasSize(1);
        assertThat(following.get(0).path("person").asText()).isEqualTo(wearer.id().toString());

        // Nothing of it in clear: the contact, the follower and the thresholds are encrypted, the code only hashed.
        String row = app.sql().withHandle(h -> h.createQuery("select s::text from share s where owner_id = :o")
                .bind("o", wearer.id()).mapTo(String.class).one());
        assertThat(row).doesNotContain("example.org").doesNotContain(code);
        // The clear columns (ciphertexts and times left out: random hex and microseconds may hold any digits).
        String clear = row.replaceAll("\"?\\\\+x[0-9a-f]*\"?", "").replaceAll("\"\\d{4}-\\d\\d-\\d\\d [0-9:.+]+\"", "")
                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "");
        assertThat(clear).doesNotContain("x0").doesNotContain("2026-").doesNotContain("250");
        byte[] stored = app.sql().withHandle(h -> h.createQuery(
                        "select invitation_hash from share where owner_id = :o")
                .bind("o", wearer.id()).mapTo(byte[].class).one());
        assertThat(stored).isEqualTo(MessageDigest.getInstance("SHA-256")
                .digest(code.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * PR-44: ending one share is written to the consent ledger as a withdrawal about that share (who ended it, its
     * categories, the masked recipient) — by the wearer, by the follower leaving, or replaced by a new invitation —
     * while the sharing purpose stays granted and the other shares go on.
     */
    @Test
    @Tag("PR-44")
    void endingOneShareIsWrittenToTheLedgerAndTheOtherSharesGoOn() throws Exception {
        Person wearer = person("ledger", true);
        Person a = person("ledger-a", true);
        Person b = person("ledger-b", true);
        String codeA = invite(wearer, "{\"with\":\"anna@example.org\",\"scopes\":[\"history\",\"logbook\"]}");
        String codeB = invite(wearer, "{\"with\":\"bert@example.org\",\"scopes\":[\"history\"]}");
        String shareA = json(a.post("/api/v1/following", "{\"invitation\":\"" + codeA + "\"}")).path("person")
                .asText();
        assertThat(shareA).isEqualTo(wearer.id().toString());
        assertThat(b.post("/api/v1/following", "{\"invitation\":\"" + codeB + "\"}").statusCode()).isEqualTo(201);
        String idA = app.sql().withHandle(h -> h.createQuery("select id::text from share where owner_id = :o"
                + " and grantee_id = :g").bind("o", wearer.id()).bind("g", a.id()).mapTo(String.class).one());
        String people = "/api/v1/people/" + wearer.id() + "/readings";
        assertThat(a.get(people).statusCode()).isEqualTo(200);

        assertThat(wearer.delete("/api/v1/shares/" + idA).statusCode()).isEqualTo(204);

        JsonNode ledger = json(wearer.get("/api/v1/me/consents"));
        JsonNode ended = null;
        for (JsonNode e : ledger) {
            if (e.path("subject").asText().equals("share:" + idA)) {
                ended = e;
            }
        }
        assertThat(ended).as(ledger.toString()).isNotNull();
        assertThat(ended.path("purpose").asText()).isEqualTo("sharing");
        assertThat(ended.path("granted").asBoolean()).isFalse();
        assertThat(ended.path("channel").asText()).contains("share " + idA).contains("[history,logbook]")
                .contains("a***@example.org").contains("by the wearer").doesNotContain("anna");
        // The purpose itself stays granted (no purpose-wide withdrawal): B goes on reading, A does not.
        assertThat(app.app().consents().granted(wearer.id(), Purpose.SHARING)).isTrue();
        assertThat(b.get(people).statusCode()).isEqualTo(200);
        assertThat(a.get(people).statusCode()).isEqualTo(404);
        // Purpose-wide entries carry no subject; the privacy centre's choice stays "on".
        assertThat(ledger).anySatisfy(e -> assertThat(e.has("subject")).isFalse());

        // The follower leaving is recorded for their share, as their act.
        String idB = app.sql().withHandle(h -> h.createQuery("select id::text from share where owner_id = :o"
                + " and grantee_id = :g").bind("o", wearer.id()).bind("g", b.id()).mapTo(String.class).one());
        assertThat(b.delete("/api/v1/following/" + wearer.id()).statusCode()).isEqualTo(204);
        assertThat(json(wearer.get("/api/v1/me/consents"))).anySatisfy(e -> {
            assertThat(e.path("subject").asText()).isEqualTo("share:" + idB);
            assertThat(e.path("channel").asText()).contains("[history]").contains("b***@example.org")
                    .contains("by the follower");
        });
        assertThat(app.app().consents().granted(wearer.id(), Purpose.SHARING)).isTrue();
    }

    /**
     * A new invitation the same follower accepts replaces their older share: the old one is recorded as the
     * wearer's act ({@code ended_by = 'owner'}, their new invitation replaced it) and the ledger says which share
     * replaced it.
     */
    @Test
    void aReplacedShareIsRecordedAsReplacedByTheNewOne() throws Exception {
        Person wearer = person("replacer", true);
        Person follower = person("replaced", true);
        String first = invite(wearer, "{\"scopes\":[\"glucose\"]}");
        assertThat(follower.post("/api/v1/following", "{\"invitation\":\"" + first + "\"}").statusCode())
                .isEqualTo(201);
        String second = invite(wearer, "{\"scopes\":[\"history\"]}");
        assertThat(follower.post("/api/v1/following", "{\"invitation\":\"" + second + "\"}").statusCode())
                .isEqualTo(201);
        List<String[]> rows = app.sql().withHandle(h -> h.createQuery("""
                        select id::text, ended_by, scopes from share where owner_id = :o order by created_at""")
                .bind("o", wearer.id()).map((rs, c) -> new String[] {rs.getString(1), rs.getString(2),
                        rs.getString(3)}).list());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)[1]).isEqualTo("owner");
        assertThat(rows.get(1)[1]).isNull();
        assertThat(json(wearer.get("/api/v1/me/consents"))).anySatisfy(e -> {
            assertThat(e.path("subject").asText()).isEqualTo("share:" + rows.get(0)[0]);
            assertThat(e.path("granted").asBoolean()).isFalse();
            assertThat(e.path("channel").asText()).contains("[glucose]")
                    .contains("replaced by share " + rows.get(1)[0]);
        });
    }

    /** PR-55: the invitation by e-mail names who invites and carries the link (needing login), no health data. */
    @Test
    @Tag("PR-55")
    void theInvitationCarriesNoHealthDataOnlyTheNoticeAndTheLink() throws Exception {
        Person wearer = person("mailer", true);
        wearer.post("/api/v1/readings", "[{\"time\":\"" + Instant.now().minusSeconds(300) + "\",\"mgdl\":187}]");
        String code = invite(wearer, "{\"with\":\"nurse@example.org\",\"scopes\":[\"glucose\",\"history\"]}");
        String link = "http://mqcgm.test/follow/" + code;
        String message = app.awaitOutbox("nurse@example.org", Pattern.compile("(?s)(.*" + Pattern.quote(link)
                + ".*)"));
        assertThat(message).contains(wearer.login()).contains("invited you to follow their glucose");
        // (the signature below "-- " is the controller's contact every e-mail ends with, PR-89)
        String withoutLinkAndSender = message.substring(0, message.indexOf("\n-- \n")).replace(link, "")
                .replace(wearer.login(), "").replace("http://mqcgm.test", "");
        // No digit at all: no glucose value, no time, no count — only the notice and the link.
        assertThat(withoutLinkAndSender).doesNotContainPattern("[0-9]{2,}").doesNotContain("187")
                .doesNotContain("mg/dL").doesNotContain("mmol");
        // The link needs a login: anonymous visitors are sent to log in (the page exists with item 5).
        HttpResponse<String> anonymous = new Http(app.url()).postJson("/api/v1/following",
                "{\"invitation\":\"" + code + "\"}");
        assertThat(anonymous.statusCode()).isEqualTo(401);

        String sms = Sharing.invitation(wearer.login(), org.mqcgm.server.platform.web.Language.ZH_CN,
                Shares.Contact.parse("+8613800138000").orElseThrow(), link).body();
        assertThat(sms.replace(link, "").replace(wearer.login(), "")).doesNotContainPattern("[0-9]{2,}");
    }

    @Test
    void usedExpiredForgedAndOwnCodesAreRefused() throws Exception {
        Person wearer = person("refuser", true);
        Person follower = person("taker", true);
        Person late = person("late", true);
        String code = invite(wearer, "{\"scopes\":[\"glucose\"]}");
        assertThat(code).matches("[A-Za-z0-9_-]{43}");
        HttpResponse<String> own = wearer.post("/api/v1/following", "{\"invitation\":\"" + code + "\"}");
        assertThat(own.statusCode()).isEqualTo(422);
        assertThat(own.body()).contains("\"field\":\"invitation\"").contains("\"rule\":\"own\"");
        assertThat(follower.post("/api/v1/following", "{\"invitation\":\"" + code + "\"}").statusCode())
                .isEqualTo(201);
        HttpResponse<String> reused = late.post("/api/v1/following", "{\"invitation\":\"" + code + "\"}");
        assertThat(reused.statusCode()).isEqualTo(410);
        assertThat(reused.body()).contains("invitation-gone");
        HttpResponse<String> forged = late.post("/api/v1/following", "{\"invitation\":\""
                + code.substring(0, 42) + (code.endsWith("A") ? "B" : "A") + "\"}");
        assertThat(forged.statusCode()).isEqualTo(404);
        assertThat(forged.body()).contains("unknown-invitation");

        String expiring = invite(wearer, "{\"scopes\":[\"history\"]}");
        app.sql().useHandle(h -> h.createUpdate("update share set invitation_expires = :t where owner_id = :o"
                        + " and accepted_at is null")
                .bind("t", Instant.now().minusSeconds(1).atOffset(ZoneOffset.UTC)).bind("o", wearer.id()).execute());
        assertThat(late.post("/api/v1/following", "{\"invitation\":\"" + expiring + "\"}").statusCode())
                .isEqualTo(410);
        String revoked = invite(wearer, "{\"scopes\":[\"history\"]}");
        String revokedId = json(wearer.get("/api/v1/shares")).get(0).path("id").asText();
        assertThat(wearer.delete("/api/v1/shares/" + revokedId).statusCode()).isEqualTo(204);
        assertThat(late.post("/api/v1/following", "{\"invitation\":\"" + revoked + "\"}").statusCode())
                .isEqualTo(410);
        assertThat(json(late.get("/api/v1/following"))).isEmpty();
    }

    /** PR-24: guessing invitation codes is cut off with 429 (codes are 256-bit). */
    @Test
    @Tag("PR-24")
    void guessingInvitationCodesIsRateLimited() throws Exception {
        Person wearer = person("guessed", true);
        Person guesser = person("guesser", true);
        String real = invite(wearer, "{\"scopes\":[\"glucose\"]}");
        assertThat(java.util.Base64.getUrlDecoder().decode(real)).hasSizeGreaterThanOrEqualTo(16);
        for (int i = 0; i < GuessLimiter.LIMIT; i++) {
            String guess = UUID.randomUUID().toString().replace("-", "") + "guess" + i;
            assertThat(guesser.post("/api/v1/following", "{\"invitation\":\"" + guess + "\"}").statusCode())
                    .isEqualTo(404);
        }
        HttpResponse<String> limited = guesser.post("/api/v1/following", "{\"invitation\":\"" + real + "\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(limited.body()).contains("too-many-attempts");
        // Even the right code is refused while limited: nothing was accepted.
        assertThat(json(guesser.get("/api/v1/following"))).isEmpty();
    }

    @Test
    void revokingAndLeavingEndTheShareAtOnceAndOnlyTheirOwnersCanDoIt() throws Exception {
        Person wearer = person("revoker", true);
        Person follower = person("leaver", true);
        Person stranger = person("stranger", true);
        var grants = app.app().feature(SharingFeature.class).grants();
        String code = invite(wearer, "{\"scopes\":[\"glucose\",\"history\"]}");
        follower.post("/api/v1/following", "{\"invitation\":\"" + code + "\"}");
        String id = json(wearer.get("/api/v1/shares")).get(0).path("id").asText();
        assertThat(grants.active(wearer.id(), follower.id())).isPresent();
        assertThat(stranger.delete("/api/v1/shares/" + id).statusCode()).isEqualTo(404);
        assertThat(follower.delete("/api/v1/shares/" + id).statusCode()).isEqualTo(404);
        assertThat(stranger.delete("/api/v1/following/" + wearer.id()).statusCode()).isEqualTo(404);
        assertThat(grants.active(wearer.id(), follower.id())).isPresent();

        assertThat(wearer.delete("/api/v1/shares/" + id).statusCode()).isEqualTo(204);
        assertThat(grants.active(wearer.id(), follower.id())).isEmpty();
        assertThat(wearer.delete("/api/v1/shares/" + id).statusCode()).isEqualTo(404);
        assertThat(json(wearer.get("/api/v1/shares")).get(0).path("status").asText()).isEqualTo("ended");
        assertThat(json(follower.get("/api/v1/following"))).isEmpty();

        String again = invite(wearer, "{\"scopes\":[\"glucose\"]}");
        follower.post("/api/v1/following", "{\"invitation\":\"" + again + "\"}");
        assertThat(grants.active(wearer.id(), follower.id())).isPresent();
        assertThat(follower.delete("/api/v1/following/" + wearer.id()).statusCode()).isEqualTo(204);
        assertThat(grants.active(wearer.id(), follower.id())).isEmpty();
        assertThat(follower.delete("/api/v1/following/" + wearer.id()).statusCode()).isEqualTo(404);
        assertThat(follower.delete("/api/v1/following/not-a-uuid").statusCode()).isEqualTo(404);
    }

    @Test
    void aShareEndsByItselfAtItsEndDate() throws Exception {
        Person wearer = person("until", true);
        Person follower = person("untilf", true);
        String until = Instant.now().plusSeconds(3600).toString();
        String code = invite(wearer, "{\"scopes\":[\"glucose\"],\"until\":\"" + until + "\"}");
        assertThat(json(follower.post("/api/v1/following", "{\"invitation\":\"" + code + "\"}"))
                .path("until").asText()).isEqualTo(Instant.parse(until).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString());
        var grants = app.app().feature(SharingFeature.class).grants();
        assertThat(grants.active(wearer.id(), follower.id())).isPresent();
        app.sql().useHandle(h -> h.createUpdate("update share set until = :t where owner_id = :o")
                .bind("t", Instant.now().minusSeconds(1).atOffset(ZoneOffset.UTC)).bind("o", wearer.id()).execute());
        assertThat(grants.active(wearer.id(), follower.id())).isEmpty();
        assertThat(json(wearer.get("/api/v1/shares")).get(0).path("status").asText()).isEqualTo("expired");
        assertThat(json(follower.get("/api/v1/following"))).isEmpty();
    }

    @Test
    void atMostTheConfiguredNumberOfFollowers() throws Exception {
        Person wearer = person("popular", true);
        for (int i = 0; i < MAX; i++) {
            invite(wearer, "{\"scopes\":[\"glucose\"]}");
        }
        HttpResponse<String> beyond = wearer.post("/api/v1/shares", "{\"scopes\":[\"glucose\"]}");
        assertThat(beyond.statusCode()).isEqualTo(409);
        assertThat(beyond.body()).contains("too-many-followers");
        String id = json(wearer.get("/api/v1/shares")).get(0).path("id").asText();
        assertThat(wearer.delete("/api/v1/shares/" + id).statusCode()).isEqualTo(204);
        assertThat(wearer.post("/api/v1/shares", "{\"scopes\":[\"glucose\"]}").statusCode()).isEqualTo(201);
    }

    @Test
    void badRequestsNameTheFieldAndStoreNothing() {
        Person wearer = person("bad", true);
        assertField(wearer.post("/api/v1/shares", "{}"), 422, "scopes", "required");
        assertField(wearer.post("/api/v1/shares", "{\"scopes\":[\"everything\"]}"), 422, "scopes", "one-of");
        assertField(wearer.post("/api/v1/shares", "{\"scopes\":\"glucose\"}"), 400, "$.scopes", "type");
        assertField(wearer.post("/api/v1/shares", "{\"scopes\":[\"glucose\"],\"with\":\"not a contact\"}"), 422,
                "with", "contact");
        assertField(wearer.post("/api/v1/shares", "{\"scopes\":[\"glucose\"],\"until\":\"tomorrow\"}"), 422,
                "until", "format");
        assertField(wearer.post("/api/v1/shares", "{\"scopes\":[\"glucose\"],\"until\":\"2001-01-01T00:00:00Z\"}"),
                422, "until", "future");
        assertField(wearer.post("/api/v1/shares", "{\"scopes\":[\"glucose\"],\"historyDays\":0}"), 422,
                "historyDays", "range");
        assertField(wearer.post("/api/v1/shares", "{\"scopes\":[\"glucose\"],\"historyDays\":\"7\"}"), 400,
                "$.historyDays", "type");
        assertField(wearer.post("/api/v1/shares", "{\"scopes\":[\"glucose\"],\"alerts\":{\"lowMgdl\":200,"
                + "\"highMgdl\":100}}"), 422, "alerts.highMgdl", "above-low");
        assertField(wearer.post("/api/v1/shares", "{\"scopes\":[\"glucose\"],\"alerts\":{\"low\":1}}"), 400,
                "$.alerts.low", "unknown-field");
        assertField(wearer.post("/api/v1/shares", "{\"scopes\":[\"glucose\"],\"admin\":true}"), 400,
                "$.admin", "unknown-field");
        assertField(wearer.post("/api/v1/following", "{}"), 400, "$.invitation", "required");
        assertThat(shareCount(wearer.id())).isZero();
    }

    static int shareCount(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from share where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    private static void assertField(HttpResponse<String> r, int status, String field, String rule) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).contains("\"field\":\"" + field + "\"").contains("\"rule\":\"" + rule + "\"");
    }

    @Test
    void deletingEitherAccountEndsTheShare() throws Exception {
        Person wearer = person("gone", true);
        Person follower = person("stays", true);
        String code = invite(wearer, "{\"scopes\":[\"glucose\"]}");
        follower.post("/api/v1/following", "{\"invitation\":\"" + code + "\"}");
        var grants = app.app().feature(SharingFeature.class).grants();
        assertThat(grants.active(wearer.id(), follower.id())).isPresent();
        app.sql().useHandle(h -> {
            h.execute("set mqcgm.erasure = 'on'");
            h.execute("delete from account where id = ?", follower.id());
        });
        assertThat(grants.active(wearer.id(), follower.id())).isEmpty();
        assertThat(json(wearer.get("/api/v1/shares")).get(0).path("status").asText()).isEqualTo("ended");

        Person other = person("other", true);
        String second = invite(wearer, "{\"scopes\":[\"glucose\"]}");
        other.post("/api/v1/following", "{\"invitation\":\"" + second + "\"}");
        app.sql().useHandle(h -> {
            h.execute("set mqcgm.erasure = 'on'");
            h.execute("delete from account where id = ?", wearer.id());
        });
        assertThat(grants.active(wearer.id(), other.id())).isEmpty();
        assertThat(json(other.get("/api/v1/following"))).isEmpty();
        assertThat(shareCount(wearer.id())).isZero();
    }
}
