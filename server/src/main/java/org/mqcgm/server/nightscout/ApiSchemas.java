package org.mqcgm.server.nightscout;

import java.util.List;
import java.util.Map;

/**
 * The JSON of mqcgm's own API for Nightscout credentials, one record per component schema of {@code openapi.json}.
 * The Nightscout API itself is Nightscout's contract (docs/nightscout.md), not described there.
 */
final class ApiSchemas {

    static final Map<String, Class<?>> ALL = Map.of(
            "NightscoutCredentialRequest", NightscoutCredentialRequest.class,
            "NightscoutCredentialIssued", NightscoutCredentialIssued.class,
            "NightscoutCredential", NightscoutCredential.class,
            "NightscoutCredentials", NightscoutCredentials.class);

    private ApiSchemas() {
    }

    /**
     * @param name   what the client is, e.g. "xDrip+ phone" (1–60 characters)
     * @param access {@code read} (followers) or {@code readwrite} (uploaders, Loop, AAPS)
     */
    record NightscoutCredentialRequest(String name, String access) {
    }

    /**
     * A new credential, with its secrets: shown only in this answer.
     *
     * @param secret the API secret (clients send {@code api-secret: sha1hex(secret)}; xDrip+ takes
     *               {@code https://<secret>@host/…})
     * @param token  the role token ({@code ?token=}, and for {@code /api/v2/authorization/request/<token>})
     * @param url    the Nightscout site URL to paste into the client ({@code …/ns/<site>/}); the API is also served
     *               at the root
     */
    record NightscoutCredentialIssued(String id, String name, String access, String secret, String token, String url,
                                      String createdAt) {
    }

    /** A credential as listed: never its secrets. */
    record NightscoutCredential(String id, String name, String access, String url, String createdAt,
                                String lastUsedAt, String revokedAt) {
    }

    record NightscoutCredentials(List<NightscoutCredential> credentials) {
    }
}
