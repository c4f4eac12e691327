package org.mqcgm.server.platform.crypto.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mqcgm.server.ConfigException;

/**
 * A Tink {@link KmsClient} for HashiCorp Vault's transit secrets engine, over its documented HTTP API:
 * {@code POST /v1/MOUNT/encrypt/NAME} with {@code {"plaintext": base64}} answers {@code {"data": {"ciphertext":
 * "vault:v1:…"}}}, and {@code POST /v1/MOUNT/decrypt/NAME} with {@code {"ciphertext": …}} answers
 * {@code {"data": {"plaintext": base64}}}; associated data goes as {@code associated_data} (base64), the token in
 * {@code X-Vault-Token}.
 *
 * <p>Why not Tink's own {@code tink-java-hcvault}: it is not among the libraries this build can resolve (it is not in
 * the offline repository, and it pulls a Vault driver as well); the two calls above are all a master key needs.
 *
 * <p>Key URIs: {@code hcvault://HOST[:PORT]/MOUNT/keys/NAME} (e.g. {@code hcvault://vault.internal:8200/transit/keys/mqcgm}),
 * reached over https. Plain http is used only for a loopback host and only when
 * {@code MQCGM_VAULT_ALLOW_LOOPBACK_HTTP=true} (tests, a Vault agent on the same machine).
 */
public final class VaultTransitKmsClient implements KmsClient {

    public static final String PREFIX = "hcvault://";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String token;
    private final boolean allowLoopbackHttp;
    private final HttpClient http;

    public VaultTransitKmsClient(String token, boolean allowLoopbackHttp) {
        this.token = token;
        this.allowLoopbackHttp = allowLoopbackHttp;
        // The outbound clients' one TLS: trust anchors, names and certificate revocation (V9.2.4).
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .sslContext(org.mqcgm.server.platform.outbound.OutboundTls.system())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The token from {@code MQCGM_VAULT_TOKEN_FILE} (preferred) or {@code MQCGM_VAULT_TOKEN}. */
    public static VaultTransitKmsClient fromSettings(Map<String, String> settings) {
        String file = settings.get("MQCGM_VAULT_TOKEN_FILE");
        String token;
        if (file != null && !file.isBlank()) {
            try {
                token = Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8).strip();
                // Read again at each call, so a Vault agent's renewed token is used without a restart (V2.10.1).
                token = token.isEmpty() ? token
                        : org.mqcgm.server.platform.security.SecretFile.reference(Path.of(file.trim()));
            } catch (IOException e) {
                throw new ConfigException("MQCGM_VAULT_TOKEN_FILE", "cannot read " + file + ": " + e.getMessage());
            }
        } else {
            token = settings.getOrDefault("MQCGM_VAULT_TOKEN", "").strip();
        }
        if (token.isEmpty()) {
            throw new ConfigException("MQCGM_VAULT_TOKEN_FILE", "missing: the Vault token for the master key");
        }
        return new VaultTransitKmsClient(token,
                "true".equalsIgnoreCase(settings.getOrDefault("MQCGM_VAULT_ALLOW_LOOPBACK_HTTP", "false").trim()));
    }

    @Override
    public boolean doesSupport(String keyUri) {
        return keyUri != null && keyUri.startsWith(PREFIX);
    }

    /** {@code credentialPath}: a file holding the Vault token. */
    @Override
    public KmsClient withCredentials(String credentialPath) throws GeneralSecurityException {
        try {
            return new VaultTransitKmsClient(Files.readString(Path.of(credentialPath), StandardCharsets.UTF_8).strip(),
                    allowLoopbackHttp);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot read the Vault token file", e);
        }
    }

    /** The token of the {@code VAULT_TOKEN} environment variable (Vault's own convention). */
    @Override
    public KmsClient withDefaultCredentials() {
        return new VaultTransitKmsClient(System.getenv().getOrDefault("VAULT_TOKEN", ""), allowLoopbackHttp);
    }

    @Override
    public Aead getAead(String keyUri) throws GeneralSecurityException {
        if (!doesSupport(keyUri)) {
            throw new GeneralSecurityException("not a Vault key URI: " + keyUri);
        }
        URI u = URI.create("x" + keyUri.substring(PREFIX.length() - 3)); // x://host:port/path
        String path = u.getPath();
        int keys = path == null ? -1 : path.lastIndexOf("/keys/");
        if (u.getHost() == null || keys <= 0 || keys + 6 >= path.length()) {
            throw new GeneralSecurityException("expected hcvault://HOST[:PORT]/MOUNT/keys/NAME");
        }
        String mount = path.substring(1, keys);
        String name = path.substring(keys + 6);
        boolean loopback;
        try {
            loopback = InetAddress.getByName(u.getHost()).isLoopbackAddress();
        } catch (IOException e) {
            loopback = false;
        }
        String scheme = loopback && allowLoopbackHttp ? "http" : "https";
        String base = scheme + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/v1/" + mount;
        return new TransitAead(URI.create(base + "/encrypt/" + name), URI.create(base + "/decrypt/" + name));
    }

    private final class TransitAead implements Aead {
        private final URI encrypt;
        private final URI decrypt;

        TransitAead(URI encrypt, URI decrypt) {
            this.encrypt = encrypt;
            this.decrypt = decrypt;
        }

        @Override
        public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("plaintext", Base64.getEncoder().encodeToString(plaintext));
            ad(body, associatedData);
            String ciphertext = call(encrypt, body).path("ciphertext").asText("");
            if (!ciphertext.startsWith("vault:")) {
                throw new GeneralSecurityException("Vault answered no ciphertext");
            }
            return ciphertext.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("ciphertext", new String(ciphertext, StandardCharsets.UTF_8));
            ad(body, associatedData);
            JsonNode plaintext = call(decrypt, body).path("plaintext");
            if (!plaintext.isTextual()) {
                throw new GeneralSecurityException("Vault answered no plaintext");
            }
            try {
                return Base64.getDecoder().decode(plaintext.asText());
            } catch (IllegalArgumentException e) {
                throw new GeneralSecurityException("Vault answered a malformed plaintext");
            }
        }

        private static void ad(Map<String, String> body, byte[] associatedData) {
            if (associatedData != null && associatedData.length > 0) {
                body.put("associated_data", Base64.getEncoder().encodeToString(associatedData));
            }
        }

        /** POSTs {@code body}; the answer's {@code data}, or an exception naming the status (never the body sent). */
        private JsonNode call(URI uri, Map<String, String> body) throws GeneralSecurityException {
            try {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(10))
                                .header("X-Vault-Token", org.mqcgm.server.platform.security.SecretFile.resolve(token).strip())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new GeneralSecurityException("Vault answered " + r.statusCode() + " for " + uri.getPath());
                }
                return JSON.readTree(r.body()).path("data");
            } catch (IOException e) {
                throw new GeneralSecurityException("cannot reach Vault at " + uri.getHost() + ": "
                        + e.getClass().getSimpleName(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GeneralSecurityException("interrupted while calling Vault", e);
            }
        }
    }
}
