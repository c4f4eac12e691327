package org.mqcgm.server.nightscout;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.javalin.http.Context;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.mqcgm.server.platform.security.NightscoutAuth;
import org.mqcgm.server.platform.security.Principal;

/**
 * How Nightscout clients authenticate (nightscout-api.md §2.1), each credential answering for one wearer:
 * <ul>
 *   <li>{@code api-secret} header: SHA-1 hex (any case) or SHA-512 hex of the secret, the role token or its SHA-1
 *       hex (xDrip+, Loop, Trio);</li>
 *   <li>{@code ?secret=} (the same values) and {@code ?token=} (the role token: LoopFollow, Nightguard);</li>
 *   <li>{@code Authorization: Bearer <jwt>} from {@code /api/v2/authorization/request/<token>} (AAPS v3): HS256
 *       with a key derived from the deployment secret, eight hours; the token inside is looked up again at every
 *       request, so revoking the credential ends its JWTs at once.</li>
 * </ul>
 * Under {@code /ns/{site}/} only the credential of that site is accepted. The plain secret itself is never accepted
 * (as in Nightscout), and wrong credentials are no anonymous call: the route refuses them.
 */
final class NsAuth implements NightscoutAuth {

    static final Duration JWT_LIFETIME = Duration.ofHours(8);

    private final NsCredentials credentials;
    private final byte[] key;
    private final Clock clock;

    NsAuth(NsCredentials credentials, byte[] key, Clock clock) {
        this.credentials = credentials;
        this.key = key.clone();
        this.clock = clock;
    }

    @Override
    public Optional<Principal> authenticate(Context ctx) {
        return found(ctx).map(NsCredentials.Found::principal);
    }

    /** The credential the request carries, checked against the request's site when it has one. */
    Optional<NsCredentials.Found> found(Context ctx) {
        Optional<NsCredentials.Found> found = credential(ctx);
        String site = ctx.pathParamMap().get("site");
        if (site != null && found.isPresent() && !found.get().site().equals(site)) {
            return Optional.empty();
        }
        return found;
    }

    private Optional<NsCredentials.Found> credential(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String jwt = authorization.substring(7).trim();
            if (!jwt.isEmpty()) {
                return accessToken(jwt).flatMap(credentials::byToken);
            }
        }
        String apiSecret = ctx.header("api-secret");
        if (apiSecret != null) {
            return credentials.byApiSecret(apiSecret);
        }
        String token = ctx.queryParam("token");
        if (token != null) {
            return credentials.byToken(token);
        }
        String secret = ctx.queryParam("secret");
        if (secret != null) {
            return credentials.bySecret(secret);
        }
        return Optional.empty();
    }

    /** A JWT for the role token (what {@code /api/v2/authorization/request/<token>} answers). */
    Jwt issue(NsCredentials.Found found, String token) {
        Instant now = clock.instant();
        Instant exp = now.plus(JWT_LIFETIME);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .claim("accessToken", token)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(exp))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return new Jwt(jwt.serialize(), found.name(), now.getEpochSecond(), exp.getEpochSecond(),
                found.access() == NsCredentials.AccessLevel.READWRITE ? List.of(List.of("*"))
                        : List.of(List.of("*:*:read")));
    }

    /** The token of a JWT this server signed that has not expired. */
    private Optional<String> accessToken(String jwt) {
        try {
            SignedJWT parsed = SignedJWT.parse(jwt);
            if (!JWSAlgorithm.HS256.equals(parsed.getHeader().getAlgorithm())
                    || !parsed.verify(new MACVerifier(key))) {
                return Optional.empty();
            }
            Date exp = parsed.getJWTClaimsSet().getExpirationTime();
            if (exp == null || !exp.toInstant().isAfter(clock.instant())) {
                return Optional.empty();
            }
            Object token = parsed.getJWTClaimsSet().getClaim("accessToken");
            return token instanceof String s ? Optional.of(s) : Optional.empty();
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Nightscout's {@code /api/v2/authorization/request} answer.
     *
     * @param permissionGroups one group of Shiro-style permissions: {@code *} (read and write) or {@code *:*:read}
     */
    record Jwt(String token, String sub, long iat, long exp, List<List<String>> permissionGroups) {
    }
}
