package org.mqcgm.server.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * Limits on guessing, per client address: a token bucket of {@value #PER_IP_ATTEMPTS} attempts refilled over five
 * minutes for each kind of guessable request (password, code, sign-up, reset). Past the limit the answer is a 429
 * problem with {@code Retry-After}. (The per-account limit — ten failed logins in fifteen minutes lock the
 * account for fifteen minutes and tell the owner — lives in {@link Accounts}, counted in the security events so it
 * holds across server nodes.)
 */
final class LoginThrottle {

    static final int PER_IP_ATTEMPTS = 30;
    static final Duration REFILL = Duration.ofMinutes(5);

    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(30))
            .build();
    private final int attempts;

    public LoginThrottle() {
        this(PER_IP_ATTEMPTS);
    }

    LoginThrottle(int attempts) {
        this.attempts = attempts;
    }

    /** Takes one attempt of {@code action} for the client's address (IPv6: its /64), or fails with 429. */
    void attempt(String action, ClientFacts client) {
        attempt(action, client.bucket());
    }

    /** Takes one attempt of {@code action} for {@code ip}, or fails with 429 and the seconds to wait. */
    public void attempt(String action, String ip) {
        Bucket bucket = buckets.get(action + "|" + ip, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(attempts).refillGreedy(attempts, REFILL).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long nanos = probe.getNanosToWaitForRefill();
            // whole seconds, rounded up: a wait of exactly 300 s says 300, not 301
            long seconds = Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
            throw tooMany(seconds, "Too many attempts from your network. Try again in " + seconds + " seconds.");
        }
    }

    static ProblemException tooMany(long retryAfterSeconds, String detail) {
        return new ProblemException(Problem.of(429, "too-many-attempts", "Too many attempts", detail)
                .with("retryAfter", retryAfterSeconds));
    }
}
