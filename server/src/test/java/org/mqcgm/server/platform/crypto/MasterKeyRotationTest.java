package org.mqcgm.server.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.App;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.accounts.ClientFacts;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestDatabase;
import org.mqcgm.server.testing.TestTotp;
import org.mqcgm.testkit.MutableClock;

/**
 * A master key held by a KMS (a HashiCorp Vault transit key) and the online rotation of the master key (issue 16;
 * ASVS V6.4.1, V6.4.2, V6.2.x). The Vault here is a STAND-IN: a loopback HTTP server in this test that implements
 * the documented request and response shapes of Vault's transit {@code encrypt}/{@code decrypt} endpoints (token
 * header, base64 plaintext, {@code vault:v1:} ciphertexts, {@code associated_data}) with its own AES-GCM key; no
 * real Vault runs in the build.
 */
class MasterKeyRotationTest {

    static final String TOKEN = "s.test-token-of-the-server";
    static final MutableClock clock = MutableClock.now();
    static VaultStandIn vault;

    @BeforeAll
    static void startVault() throws IOException {
        vault = new VaultStandIn();
    }

    @AfterAll
    static void stopVault() {
        vault.server.stop(0);
    }

    @Test
    void rotatingFromTheKeyFileToAVaultTransitKeyKeepsEveryonesDataWhileServingAndTheOldKeyCanGo() throws Exception {
        Path dir = Files.createTempDirectory("mqcgm-rotate-");
        Path oldFile = dir.resolve("master-key.json");
        MasterKey.generate(oldFile);
        String url = TestDatabase.fresh();
        ServerConfig config = new ServerConfig(url, TestDatabase.user(), TestDatabase.password(), 8, oldFile,
                "127.0.0.1", 0, 1_000_000, TestApp.TEST_ARGON2, Duration.ofHours(12), Duration.ofDays(7), null,
                dir.resolve("outbox"), "http://mqcgm.test");
        Jdbi sql = Jdbi.create(url, TestDatabase.user(), TestDatabase.password());
        MasterKey old = MasterKey.load(oldFile);
        Map<String, String> vaultSettings = new HashMap<>(Map.of("MQCGM_MASTER_KEY_URI", vault.keyUri(),
                "MQCGM_VAULT_TOKEN", TOKEN, "MQCGM_VAULT_ALLOW_LOOPBACK_HTTP", "true"));
        MasterKey vaultOnly = MasterKey.fromSettings(vaultSettings, null);
        vaultSettings.put("MQCGM_MASTER_KEY_PREVIOUS_URI", "file:" + oldFile);
        MasterKey rotating = MasterKey.fromSettings(vaultSettings, null);
        assertThat(rotating.ids()).containsExactly(vault.keyUri(), old.id());

        // Before: people under the file key, one with two-factor sign-in, and a sign-up waiting for its code (its
        // address sealed with the master key itself).
        String totp;
        String registration;
        String signupCode;
        try (App app = App.start(config, old, clock, clock, routes -> {
        })) {
            UUID ann = app.accounts().createVerified("ann@example.org", TestApp.PASSWORD, "Europe/Berlin",
                    Language.EN, TestApp.ADULT_BIRTH_DATE);
            app.accounts().createVerified("+8613800001234", TestApp.PASSWORD, "Asia/Shanghai", Language.EN,
                    TestApp.ADULT_BIRTH_DATE);
            totp = app.accounts().startTwoFactor(ann).secret();
            app.accounts().enableTwoFactor(ann, TestTotp.code(totp, clock.instant().getEpochSecond()),
                    ClientFacts.NONE);
            HttpResponse<String> started = new Http(url(app)).postForm("/signup", Map.of("identifier",
                    "cai@example.org", "password", TestApp.PASSWORD, "time_zone", "Asia/Shanghai",
                    "accept_policy", "yes", "birth_date", "1990-05-01"));
            registration = group(started.body(), "name=\"registration\" value=\"([0-9a-f-]{36})\"");
            signupCode = org.mqcgm.testkit.Wait.until("the sign-up code", () -> app.outbox().messages().stream()
                    .filter(m -> m.startsWith("To: cai@example.org\n")).findFirst(), java.util.Optional::isPresent)
                    .map(m -> group(m, "\\b(\\d{6})\\b")).orElseThrow();
        }
        assertThat(keyIds(sql)).containsOnly(old.id());
        // As if written before key ids were recorded: the server labels them at start.
        sql.useHandle(h -> {
            h.execute("update user_key set master_key_id = null");
            h.execute("update deployment_secret set master_key_id = null");
        });

        // The new key alone cannot open what the old one wrapped: refused at start, naming the setting.
        assertThatThrownBy(() -> App.start(config, vaultOnly, clock, clock, routes -> {
        })).isInstanceOf(ConfigException.class).hasMessageContaining("MQCGM_MASTER_KEY_PREVIOUS_URI");

        // During the rotation the server runs with the new key and the previous one, and keeps serving.
        try (App app = App.start(config, rotating, clock, clock, routes -> {
        })) {
            assertThat(keyIds(sql)).containsOnly(old.id()); // labelled
            Http phone = login(app, "+8613800001234");
            List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<KeyRotation.Result> rotation = CompletableFuture.supplyAsync(
                    () -> KeyRotation.rotate(sql, rotating, log::add));
            do {
                assertThat(phone.get("/settings").body()).contains("data-testid=\"login-phone\">+8613800001234<");
            } while (!rotation.isDone());
            KeyRotation.Result result = rotation.get();
            assertThat(result.failed()).as(String.join("\n", log)).isZero();
            assertThat(result.userKeys()).isEqualTo(2);
            assertThat(result.deploymentSecrets()).isEqualTo(2); // the blind-index root and the VAPID key
            assertThat(result.sealedValues()).as(String.join("\n", log)).isEqualTo(2); // the sign-up's address, birth date
            assertThat(keyIds(sql)).containsOnly(vault.keyUri());
            assertThat(KeyRotation.rotate(sql, rotating, line -> {
            })).isEqualTo(new KeyRotation.Result(0, 0, 0, 0));
            // A new person's key is wrapped by the new key at once.
            app.accounts().createVerified("dan@example.org", TestApp.PASSWORD, "Europe/Berlin", Language.EN,
                    TestApp.ADULT_BIRTH_DATE);
            assertThat(keyIds(sql)).containsOnly(vault.keyUri());
        }
        assertThat(vault.decrypts.get()).isPositive();

        // The old key removed: the server starts with the new one only, and everyone's data still opens.
        try (App app = App.start(config, vaultOnly, clock, clock, routes -> {
        })) {
            assertThat(login(app, "+8613800001234").get("/settings").body())
                    .contains("data-testid=\"login-phone\">+8613800001234<");
            // Two-factor sign-in: the TOTP secret (encrypted with ann's data key) still checks codes.
            clock.advance(Duration.ofSeconds(30));
            Http ann = new Http(url(app));
            String challenge = group(ann.postForm("/login", Map.of("identifier", "ann@example.org", "password",
                    TestApp.PASSWORD)).body(), "name=\"challenge\" value=\"([^\"]+)\"");
            assertThat(ann.postForm("/login/2fa", Map.of("challenge", challenge, "code",
                    TestTotp.code(totp, clock.instant().getEpochSecond()), "next", "/today")).statusCode())
                    .isEqualTo(303);
            assertThat(ann.get("/settings").body()).contains("data-testid=\"login-email\">ann@example.org<");
            // The sign-up sealed before the rotation completes.
            HttpResponse<String> done = new Http(url(app)).postForm("/signup/verify", Map.of("registration",
                    registration, "code", signupCode, "sent_to", "x", "channel", "email"));
            assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        }

        // And the old key alone no longer opens anything: refused at start.
        assertThatThrownBy(() -> App.start(config, old, clock, clock, routes -> {
        })).isInstanceOf(ConfigException.class).hasMessageContaining(vault.keyUri());
    }

    @Test
    void theVaultKeyNeedsTheServersTokenAndAConfiguredUri() {
        Map<String, String> wrong = Map.of("MQCGM_MASTER_KEY_URI", vault.keyUri(), "MQCGM_VAULT_TOKEN", "s.stolen",
                "MQCGM_VAULT_ALLOW_LOOPBACK_HTTP", "true");
        assertThatThrownBy(() -> MasterKey.fromSettings(wrong, null).aead().encrypt(new byte[32], new byte[0]))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("403");
        assertThatThrownBy(() -> MasterKey.fromSettings(Map.of("MQCGM_MASTER_KEY_URI", "kms://x"), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MQCGM_MASTER_KEY_URI");
        assertThatThrownBy(() -> MasterKey.fromSettings(Map.of("MQCGM_MASTER_KEY_URI", vault.keyUri()), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MQCGM_VAULT_TOKEN_FILE");
    }

    private static List<String> keyIds(Jdbi sql) {
        return sql.withHandle(h -> h.createQuery("""
                select coalesce(master_key_id, 'none') from user_key
                union all select coalesce(master_key_id, 'none') from deployment_secret""").mapTo(String.class).list());
    }

    private static String url(App app) {
        return "http://127.0.0.1:" + app.port();
    }

    private static Http login(App app, String identifier) {
        Http http = new Http(url(app));
        assertThat(http.postForm("/login", Map.of("identifier", identifier, "password", TestApp.PASSWORD))
                .statusCode()).isEqualTo(303);
        return http;
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    /**
     * STAND-IN for HashiCorp Vault's transit engine (documented API: POST /v1/transit/encrypt/:name with
     * {"plaintext": b64, "associated_data": b64?} → {"data": {"ciphertext": "vault:v1:…"}}; POST
     * /v1/transit/decrypt/:name with {"ciphertext": …} → {"data": {"plaintext": b64}}; X-Vault-Token; 403 for a bad
     * token, 400 for a ciphertext that does not open).
     */
    static final class VaultStandIn {
        final HttpServer server;
        final SecretKeySpec key;
        final List<String> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger decrypts = new AtomicInteger();
        final ObjectMapper json = new ObjectMapper();
        final SecureRandom random = new SecureRandom();

        VaultStandIn() throws IOException {
            byte[] k = new byte[32];
            random.nextBytes(k);
            key = new SecretKeySpec(k, "AES");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/transit/", this::handle);
            server.start();
        }

        String keyUri() {
            return "hcvault://127.0.0.1:" + server.getAddress().getPort() + "/transit/keys/mqcgm";
        }

        private void handle(HttpExchange x) throws IOException {
            try (x) {
                String token = x.getRequestHeaders().getFirst("X-Vault-Token");
                tokens.add(String.valueOf(token));
                if (!TOKEN.equals(token) || !"POST".equals(x.getRequestMethod())) {
                    answer(x, 403, "{\"errors\":[\"permission denied\"]}");
                    return;
                }
                JsonNode in = json.readTree(x.getRequestBody());
                byte[] ad = in.has("associated_data") ? Base64.getDecoder().decode(in.get("associated_data").asText())
                        : new byte[0];
                String path = x.getRequestURI().getPath();
                if (path.equals("/v1/transit/encrypt/mqcgm")) {
                    byte[] nonce = new byte[12];
                    random.nextBytes(nonce);
                    byte[] ct = cipher(Cipher.ENCRYPT_MODE, nonce, ad).doFinal(
                            Base64.getDecoder().decode(in.get("plaintext").asText()));
                    byte[] out = new byte[12 + ct.length];
                    System.arraycopy(nonce, 0, out, 0, 12);
                    System.arraycopy(ct, 0, out, 12, ct.length);
                    answer(x, 200, "{\"data\":{\"ciphertext\":\"vault:v1:" + Base64.getEncoder().encodeToString(out)
                            + "\",\"key_version\":1}}");
                } else if (path.equals("/v1/transit/decrypt/mqcgm")) {
                    decrypts.incrementAndGet();
                    String c = in.path("ciphertext").asText();
                    if (!c.startsWith("vault:v1:")) {
                        answer(x, 400, "{\"errors\":[\"invalid ciphertext: no prefix\"]}");
                        return;
                    }
                    byte[] all = Base64.getDecoder().decode(c.substring(9));
                    try {
                        byte[] plain = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(all, 12), ad)
                                .doFinal(all, 12, all.length - 12);
                        answer(x, 200, "{\"data\":{\"plaintext\":\"" + Base64.getEncoder().encodeToString(plain)
                                + "\"}}");
                    } catch (GeneralSecurityException e) {
                        answer(x, 400, "{\"errors\":[\"cipher: message authentication failed\"]}");
                    }
                } else {
                    answer(x, 404, "{\"errors\":[]}");
                }
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
        }

        private Cipher cipher(int mode, byte[] nonce, byte[] ad) throws GeneralSecurityException {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(ad);
            return c;
        }

        private static void answer(HttpExchange x, int status, String body) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
        }
    }
}
