package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.SoftwareAuthenticator;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestTotp;

/**
 * Passkeys (WebAuthn) end to end over HTTP with a software authenticator made here (a P-256 key of the JDK, a
 * "none" attestation encoded with webauthn4j's CBOR converter, assertions signed with the JDK): registration from
 * Settings, a passwordless login into a normal web session, a passkey instead of the TOTP code, renaming and
 * removal — and the refusals: a signature counter that goes back, an unknown credential, an unknown user handle, no
 * user verification, a used challenge, malformed input (each a problem+json, the security ones recorded).
 */
class PasskeysTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final ObjectMapper JSON = new ObjectMapper();
    /** TestApp's MQCGM_PUBLIC_URL is http://mqcgm.test: the relying party and the only accepted origin. */
    static final String RP_ID = "mqcgm.test";
    static final String ORIGIN = "http://mqcgm.test";

    @Test
    void registersInSettingsSignsInWithoutPasswordAndRefusesACounterGoingBack() throws Exception {
        UUID owner = app.newUser("passkey@example.org");
        Http http = app.login("passkey@example.org");
        SoftwareAuthenticator phone = new SoftwareAuthenticator(RP_ID, ORIGIN);

        // Options: the relying party from MQCGM_PUBLIC_URL, a random user handle (not the account id), a
        // discoverable credential with user verification, no attestation.
        JsonNode options = json(postJson(http, "/settings/passkeys/options", "{}"), 200);
        assertThat(options.at("/rp/id").asText()).isEqualTo(RP_ID);
        byte[] handle = b64(options.at("/user/id").asText());
        assertThat(handle).hasSize(32).isNotEqualTo(uuidBytes(owner));
        assertThat(options.at("/authenticatorSelection/residentKey").asText()).isEqualTo("required");
        assertThat(options.at("/authenticatorSelection/userVerification").asText()).isEqualTo("required");
        assertThat(options.at("/attestation").asText()).isEqualTo("none");
        assertThat(options.at("/pubKeyCredParams/0/alg").asLong()).isEqualTo(-7);
        assertThat(b64(options.at("/challenge").asText())).as("a 256-bit random challenge").hasSize(32);

        // Malformed input is a 422 naming the field; nothing is stored.
        HttpResponse<String> bad = postJson(http, "/settings/passkeys",
                "{\"name\":\"x\",\"clientDataJSON\":\"***\",\"attestationObject\":\"AA\"}");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/problem+json"));
        assertThat(bad.body()).contains("\"clientDataJSON\"");

        String registration = phone.attestation(options.at("/challenge").asText(), handle, "My phone");
        HttpResponse<String> added = postJson(http, "/settings/passkeys", registration);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(JSON.readTree(added.body()).get("name").asText()).isEqualTo("My phone");
        assertThat(postJson(http, "/settings/passkeys", registration).statusCode())
                .as("a challenge is used once").isEqualTo(410);
        assertThat(http.get("/settings/passkeys").body()).contains("My phone");
        Map<String, Object> row = app.sql().withHandle(h -> h.createQuery(
                        "select owner_id, sign_count, name_enc from passkey where credential_id = :c")
                .bind("c", phone.credentialId()).mapToMap().one());
        assertThat(row.get("owner_id")).isEqualTo(owner);
        assertThat(new String((byte[]) row.get("name_enc"), StandardCharsets.ISO_8859_1))
                .as("the name is encrypted with the person's key").doesNotContain("My phone");

        // Passwordless: a fresh browser ends in a normal web session.
        Http browser = new Http(app.url());
        HttpResponse<String> login = postJson(browser, "/login/passkey",
                phone.assertion(loginChallenge(browser), 5, true, Map.of("next", "/settings")));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        assertThat(JSON.readTree(login.body()).get("redirect").asText()).isEqualTo("/settings");
        assertThat(browser.cookie("SESSION")).isPresent();
        assertThat(browser.get("/settings").statusCode()).isEqualTo(200);
        assertThat(events(owner)).contains("login passkey", "passkey-added null");

        // The signature counter went back (5 → 3): a cloned authenticator. Refused and recorded.
        Http clone = new Http(app.url());
        HttpResponse<String> regressed = postJson(clone, "/login/passkey",
                phone.assertion(loginChallenge(clone), 3, true, Map.of()));
        assertThat(regressed.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(regressed.body()).get("type").asText()).endsWith("passkey-refused");
        assertThat(clone.cookie("SESSION")).isEmpty();
        assertThat(events(owner)).contains("passkey-refused signature counter went back");

        // A credential this account never registered (same user handle, another key) is refused and recorded.
        SoftwareAuthenticator stranger = new SoftwareAuthenticator(RP_ID, ORIGIN);
        stranger.userHandle(handle);
        assertThat(postJson(clone, "/login/passkey", stranger.assertion(loginChallenge(clone), 1, true, Map.of()))
                .statusCode()).isEqualTo(401);
        assertThat(events(owner)).contains("passkey-refused unknown passkey");
        // An unknown user handle names no account: refused.
        stranger.userHandle(new byte[32]);
        assertThat(postJson(clone, "/login/passkey", stranger.assertion(loginChallenge(clone), 1, true, Map.of()))
                .statusCode()).isEqualTo(401);
        // Without user verification a passkey alone does not sign in.
        assertThat(postJson(clone, "/login/passkey", phone.assertion(loginChallenge(clone), 9, false, Map.of()))
                .statusCode()).isEqualTo(401);
        // A used challenge is refused whatever is signed with it.
        String challenge = loginChallenge(clone);
        assertThat(postJson(clone, "/login/passkey", phone.assertion(challenge, 10, true, Map.of())).statusCode())
                .isEqualTo(200);
        assertThat(postJson(new Http(app.url()), "/login/passkey", phone.assertion(challenge, 11, true, Map.of()))
                .statusCode()).isEqualTo(410);
        long stored = app.sql().withHandle(h -> h.createQuery("select sign_count from passkey where credential_id = :c")
                .bind("c", phone.credentialId()).mapTo(Long.class).one());
        assertThat(stored).isEqualTo(10L);
    }

    @Test
    void aPasskeyReplacesTheCodeAtTheSecondFactorStepAndCanBeRenamedAndRemoved() throws Exception {
        UUID owner = app.newUser("passkey-2fa@example.org");
        Http http = app.login("passkey-2fa@example.org");
        String[] enrolled = TwoFactorTest.enrol(http, s -> TestTotp.code(s, Instant.now().getEpochSecond()));
        // Adding a passkey is a sensitive action: without a recent confirmation the password is asked again.
        app.sql().useHandle(h -> h.createUpdate("update web_session set reauth_at = now() - interval '1 hour'"
                + " where owner_id = :o").bind("o", owner).execute());
        HttpResponse<String> stale = postJson(http, "/settings/passkeys/options", "{}");
        assertThat(stale.statusCode()).isEqualTo(303);
        assertThat(stale.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/confirm"));
        assertThat(http.get("/settings/passkeys").headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).startsWith("/confirm"));
        assertThat(http.postForm("/confirm", Map.of("password", TestApp.PASSWORD, "code", enrolled[1],
                "next", "/settings/passkeys")).statusCode()).isEqualTo(303);
        SoftwareAuthenticator key = new SoftwareAuthenticator(RP_ID, ORIGIN);
        JsonNode options = json(postJson(http, "/settings/passkeys/options", "{}"), 200);
        assertThat(postJson(http, "/settings/passkeys", key.attestation(options.at("/challenge").asText(),
                b64(options.at("/user/id").asText()), "Security key")).statusCode()).isEqualTo(201);
        JsonNode again = json(postJson(http, "/settings/passkeys/options", "{}"), 200);
        assertThat(again.at("/excludeCredentials/0/id").asText()).as("registered ones are excluded")
                .isEqualTo(enc(key.credentialId()));

        // The password is right; the two-factor step offers the passkey.
        Http browser = new Http(app.url());
        HttpResponse<String> step = browser.postForm("/login", Map.of("identifier", "passkey-2fa@example.org",
                "password", TestApp.PASSWORD));
        assertThat(step.statusCode()).isEqualTo(200);
        assertThat(step.body()).contains("data-passkey-second-factor");
        Matcher m = Pattern.compile("name=\"challenge\" value=\"([^\"]+)\"").matcher(step.body());
        assertThat(m.find()).isTrue();
        String loginChallenge = m.group(1);
        assertThat(postJson(browser, "/login/2fa/passkey/options", "{\"challenge\":\"nope\"}").statusCode())
                .isEqualTo(410);
        JsonNode request = json(postJson(browser, "/login/2fa/passkey/options",
                "{\"challenge\":\"" + loginChallenge + "\"}"), 200);
        assertThat(request.at("/allowCredentials/0/id").asText()).isEqualTo(enc(key.credentialId()));
        HttpResponse<String> done = postJson(browser, "/login/2fa/passkey", key.assertion(
                request.get("challenge").asText(), 1, false, Map.of("challenge", loginChallenge)));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(browser.get("/settings").statusCode()).isEqualTo(200);
        assertThat(events(owner)).contains("login two-factor, passkey");

        // Renamed and removed from Settings (a sensitive page), each recorded.
        String id = app.sql().withHandle(h -> h.createQuery("select id from passkey where owner_id = :o")
                .bind("o", owner).mapTo(UUID.class).one()).toString();
        assertThat(http.postForm("/settings/passkeys/" + id + "/rename", Map.of("name", "Blue key")).statusCode())
                .isEqualTo(303);
        assertThat(http.get("/settings/passkeys").body()).contains("Blue key").doesNotContain("Security key");
        assertThat(http.postForm("/settings/passkeys/" + id + "/rename", Map.of("name", "")).statusCode())
                .isEqualTo(422);
        assertThat(http.postForm("/settings/passkeys/" + UUID.randomUUID() + "/remove", Map.of()).statusCode())
                .isEqualTo(404);
        assertThat(http.postForm("/settings/passkeys/" + id + "/remove", Map.of()).statusCode()).isEqualTo(303);
        assertThat(http.get("/settings/passkeys").body()).contains("data-testid=\"passkeys-none\"");
        assertThat(events(owner)).contains("passkey-removed null");
    }

    // ---------------------------------------------------------------- helpers

    static HttpResponse<String> postJson(Http http, String path, String body) {
        return http.postJson(path, body, "X-CSRF-Token", http.csrfToken());
    }

    static JsonNode json(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    static String loginChallenge(Http http) throws Exception {
        JsonNode o = json(postJson(http, "/login/passkey/options", "{}"), 200);
        assertThat(o.get("userVerification").asText()).isEqualTo("required");
        assertThat(o.get("rpId").asText()).isEqualTo(RP_ID);
        return o.get("challenge").asText();
    }

    static List<String> events(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery(
                        "select kind || ' ' || coalesce(detail, 'null') from security_event where owner_id = :o")
                .bind("o", owner).mapTo(String.class).list());
    }

    static byte[] b64(String s) {
        return Base64.getUrlDecoder().decode(s);
    }

    static String enc(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] uuidBytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                .array();
    }
}
