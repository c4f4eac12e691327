package org.mqcgm.server.platform.security;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one request limiter of the platform: fixed windows counted in PostgreSQL, so every server node counts the
 * same requests (cluster-safe). A route declares its {@link RateLimit} where it is registered; after its access
 * check, each request of the route is counted against
 * <ul>
 *   <li>its credential (the API token, or the web session): the limit's {@code permits} per window;</li>
 *   <li>its account, all credentials together: {@link #ACCOUNT_FACTOR} times that;</li>
 *   <li>without a signed-in caller (public forms, search, clinician links), its client address (IPv6: the /64,
 *       through trusted proxies only, {@link ClientAddress}): {@code permits}.</li>
 * </ul>
 * Past a limit the answer is 429 {@code rate-limited} (problem+json, or the error page for a browser) with
 * {@code Retry-After}, the seconds until the window ends; operators read the refusals in
 * {@code mqcgm_rate_limited_total{limit,by}} ({@code /metrics}). The counted keys are keyed pseudonyms
 * ({@link DeploymentSecrets#pseudonym}), never an address or an id in clear; windows are deleted once over.
 */
public final class RateLimits {

    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);
    /** An account's credentials together may make this many times one credential's allowance. */
    public static final int ACCOUNT_FACTOR = 3;
    private static final Duration PURGE_EVERY = Duration.ofMinutes(5);

    /** No limits (tests of the HTTP layer without a database). */
    public static final RateLimits NONE = new RateLimits(null, null, null, null, null, null);

    /** A limit: {@code permits} requests per {@code window}. */
    public record Rule(int permits, Duration window) {
        public Rule {
            if (permits < 1) {
                throw new IllegalArgumentException("must allow at least one request");
            }
            if (window.toSeconds() < 1 || window.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("the window must be from 1 second to 1 day");
            }
        }

        /** Parses {@code <requests>/<window>}: {@code 60/1h}, {@code 5/30s}, {@code 100/10m}, {@code 10/1d}. */
        public static Rule parse(String text) {
            String t = text.trim();
            int slash = t.indexOf('/');
            if (slash < 1 || slash == t.length() - 1) {
                throw new IllegalArgumentException("must be <requests>/<window> such as 60/1h (got '" + text + "')");
            }
            try {
                int permits = Integer.parseInt(t.substring(0, slash).trim());
                String w = t.substring(slash + 1).trim();
                long n = Long.parseLong(w.substring(0, w.length() - 1));
                Duration window = switch (w.charAt(w.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new IllegalArgumentException("unit");
                };
                return new Rule(permits, window);
            } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("must be <requests>/<window> with a window in s, m, h or d from"
                        + " 1s to 1d and at least 1 request, such as 60/1h (got '" + text + "')");
            }
        }

        @Override
        public String toString() {
            return permits + "/" + window.toSeconds() + "s";
        }
    }

    /** The rule of each limit ({@link RateLimit#setting()} overrides its default). */
    public record Settings(Map<RateLimit, Rule> rules) {
        public static final Settings DEFAULT = new Settings(Map.of());

        public Settings {
            Map<RateLimit, Rule> all = new EnumMap<>(RateLimit.class);
            for (RateLimit l : RateLimit.values()) {
                all.put(l, rules.getOrDefault(l, l.defaultRule()));
            }
            rules = Map.copyOf(all);
        }

        public Rule of(RateLimit limit) {
            return rules.get(limit);
        }

        /** A copy with {@code limit} set to {@code rule} (tests, operators' code). */
        public Settings with(RateLimit limit, Rule rule) {
            Map<RateLimit, Rule> copy = new EnumMap<>(rules);
            copy.put(limit, rule);
            return new Settings(copy);
        }

        /**
         * Reads {@code MQCGM_RATE_LIMIT_<NAME>} settings.
         *
         * @throws IllegalArgumentException whose message starts with the setting's name and {@code ": "}
         */
        public static Settings parse(Map<String, String> settings) {
            Map<RateLimit, Rule> rules = new EnumMap<>(RateLimit.class);
            for (RateLimit l : RateLimit.values()) {
                String v = settings.get(l.setting());
                if (v != null && !v.isBlank()) {
                    try {
                        rules.put(l, Rule.parse(v));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(l.setting() + ": " + e.getMessage());
                    }
                }
            }
            return new Settings(rules);
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final Settings settings;
    private final MeterRegistry meters;
    private final ClientAddress clients;
    private final DeploymentSecrets secrets;
    private final AtomicLong lastPurge = new AtomicLong();

    public RateLimits(Jdbi jdbi, Clock clock, Settings settings, MeterRegistry meters, ClientAddress clients,
                      DeploymentSecrets secrets) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.settings = settings;
        this.meters = meters;
        this.clients = clients;
        this.secrets = secrets;
    }

    public Settings settings() {
        return settings;
    }

    /** A key counted for a request: what it is ({@code credential}, {@code account}, {@code client}) and its value. */
    private record Key(String by, String value, int permits) {
    }

    /**
     * Counts the request against the limit's keys (after the access check attached the principal, if any); throws
     * a 429 problem when one of them is over its allowance in the current window.
     */
    public void admit(Context ctx, RateLimit limit) {
        if (jdbi == null) {
            return;
        }
        Rule rule = settings.of(limit);
        Optional<Principal> principal = Principal.optional(ctx);
        List<Key> keys = new ArrayList<>(2);
        if (principal.isPresent()) {
            Principal p = principal.get();
            if (p.credentialId() != null) {
                keys.add(new Key("credential", p.method() + ":" + p.credentialId(), rule.permits()));
            }
            keys.add(new Key("account", p.accountId().toString(), rule.permits() * ACCOUNT_FACTOR));
        } else {
            keys.add(new Key("client", ClientAddress.bucket(clients.of(ctx)), rule.permits()));
        }
        Instant now = clock.instant();
        long windowSeconds = rule.window().toSeconds();
        Instant start = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), windowSeconds) * windowSeconds);
        Instant end = start.plusSeconds(windowSeconds);
        purgeNow(now);
        Key over = jdbi.inTransaction(h -> {
            Key first = null;
            for (Key k : keys) {
                int hits = h.createQuery("""
                                insert into rate_limit_window (bucket, window_start, expires_at, hits)
                                values (:bucket, :start, :end, 1)
                                on conflict (bucket, window_start) do update set hits = rate_limit_window.hits + 1
                                returning hits""")
                        .bind("bucket", secrets.pseudonym("rate-limit", limit.id() + "|" + k.by() + "|" + k.value()))
                        .bind("start", start.atOffset(ZoneOffset.UTC))
                        .bind("end", end.atOffset(ZoneOffset.UTC))
                        .mapTo(Integer.class).one();
                if (hits > k.permits() && first == null) {
                    first = k;
                }
            }
            return first;
        });
        if (over == null) {
            return;
        }
        long retryAfter = Math.max(1, Duration.between(now, end).toSeconds()
                + (Duration.between(now, end).toNanosPart() > 0 ? 1 : 0));
        meters.counter("mqcgm.rate.limited", "limit", limit.id(), "by", over.by()).increment();
        // The security log: the route template and the limit with what it counted, never the key (an address).
        RequestSecurityLog.event(ctx, "rate-limit.refused", java.util.Map.of("rule", limit.id(),
                "reason", "per-" + over.by(), "status", 429));
        throw new ProblemException(Problem.of(429, "rate-limited", "Too many requests",
                        "This kind of request is limited to " + over.permits() + " per "
                                + describe(rule.window()) + (over.by().equals("account") ? " for an account" : "")
                                + ". Try again in " + retryAfter + " seconds.")
                .with("code", "RATE_LIMITED").with("limit", limit.id()).with("retryAfter", retryAfter));
    }

    private static String describe(Duration window) {
        long s = window.toSeconds();
        if (s % 86_400 == 0) {
            return s == 86_400 ? "day" : s / 86_400 + " days";
        }
        if (s % 3600 == 0) {
            return s == 3600 ? "hour" : s / 3600 + " hours";
        }
        if (s % 60 == 0) {
            return s == 60 ? "minute" : s / 60 + " minutes";
        }
        return s + " seconds";
    }

    /** Deletes ended windows, at most every {@link #PURGE_EVERY} per node. */
    private void purgeNow(Instant now) {
        long last = lastPurge.get();
        if (now.toEpochMilli() - last < PURGE_EVERY.toMillis() || !lastPurge.compareAndSet(last, now.toEpochMilli())) {
            return;
        }
        try {
            jdbi.useHandle(h -> h.createUpdate("delete from rate_limit_window where expires_at < :now")
                    .bind("now", now.atOffset(ZoneOffset.UTC)).execute());
        } catch (RuntimeException e) {
            log.warn("purging ended rate-limit windows failed: {}",
                    org.mqcgm.server.platform.db.SafeErrors.describe(e));
        }
    }
}
