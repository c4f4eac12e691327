package org.mqcgm.server.platform.security;

import java.time.Duration;
import java.util.Locale;

/**
 * The named request limits of expensive or abusable routes, declared where a route is registered
 * ({@code routes.limited(RateLimit.REPORTS).get(…)}) and enforced by {@link RateLimits} after the route's
 * {@link Access} rule. Each has a default an operator can change with {@code MQCGM_RATE_LIMIT_<NAME>}
 * ({@code REPORTS}, {@code EXPORTS}, …) set to {@code <requests>/<window>}, e.g. {@code 60/1h}.
 */
public enum RateLimit {
    /** PDF reports (the AGP of the API and of clinician links): rendering a PDF is the costliest read. */
    REPORTS(60, Duration.ofHours(1)),
    /** Exports and transfers of a person's data (the archive, a guardian's export, a FHIR transfer). */
    EXPORTS(10, Duration.ofHours(1)),
    /** Full-text search of the community (public: counted by client address when nobody is signed in). */
    SEARCH(120, Duration.ofMinutes(10)),
    /** File imports: upload and commit. */
    IMPORTS(30, Duration.ofHours(1)),
    /** Public forms that write or send something: reporting a child's account, inviting a guardian, rights requests. */
    PUBLIC_FORMS(20, Duration.ofHours(1)),
    /** Crash reports of apps (formerly the crash feature's own counter). */
    CRASH_REPORTS(30, Duration.ofHours(1));

    private final int defaultPermits;
    private final Duration defaultWindow;

    RateLimit(int defaultPermits, Duration defaultWindow) {
        this.defaultPermits = defaultPermits;
        this.defaultWindow = defaultWindow;
    }

    /** The id in metrics, logs and problems ({@code public-forms}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The setting that overrides it ({@code MQCGM_RATE_LIMIT_PUBLIC_FORMS}). */
    public String setting() {
        return "MQCGM_RATE_LIMIT_" + name();
    }

    public RateLimits.Rule defaultRule() {
        return new RateLimits.Rule(defaultPermits, defaultWindow);
    }
}
