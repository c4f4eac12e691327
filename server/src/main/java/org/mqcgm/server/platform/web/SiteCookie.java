package org.mqcgm.server.platform.web;

import io.javalin.http.SameSite;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The cookie registry: every cookie the server may set, with its purpose, kind, lifetime and flags. It is the one
 * place a cookie is declared; {@link Cookies} sets only these (an architecture rule forbids setting a cookie any
 * other way), and the page {@code /privacy/cookies} is generated from this list, so the inventory a visitor reads
 * is what the server does (PR-36).
 *
 * <p>There are only two kinds, and deliberately no "optional" one: a cookie is either strictly necessary for the
 * service the visitor asked for (signing in, protecting forms, a clinician link's PIN) or a preference set only
 * when the visitor themselves chose it (language or unit before signing in) — both exempt from consent under the
 * ePrivacy rule for cookies "strictly necessary for a service explicitly requested". mqcgm has no analytics,
 * advertising or tracking cookies, and none from third parties. A cookie of another kind could be added only
 * with a consent mechanism first; {@code CookieRegistryTest} keeps the list to these kinds.
 *
 * @param baseName    the name over plain http; over HTTPS {@code __Host-} is put in front when {@code hostPrefix}
 * @param kind        strictly necessary, or a preference the visitor set
 * @param maxAge      its longest lifetime, or null for the browser session (until the browser closes)
 * @param httpOnly    hidden from scripts
 * @param sameSite    the SameSite attribute
 * @param hostPrefix  whether its name carries {@code __Host-} over HTTPS (Path=/, no Domain, Secure)
 * @param path        the path it is scoped to ({@code /c/{token}}: the clinician link it unlocks)
 */
public enum SiteCookie {

    /** The signed-in browser session (an opaque random id; its hash is in {@code web_session}). */
    SESSION("SESSION", Kind.ESSENTIAL, Duration.ofDays(30), true, SameSite.LAX, true, "/"),
    /** The anti-forgery token repeated in every form (bound to the session when there is one). */
    XSRF_TOKEN("XSRF-TOKEN", Kind.ESSENTIAL, null, true, SameSite.LAX, true, "/"),
    /** A clinician link whose PIN was entered: opens that one link for 30 minutes without asking again. */
    LINK_UNLOCK("mqcgm_link", Kind.ESSENTIAL, Duration.ofMinutes(30), true, SameSite.STRICT, false, "/c/{token}"),
    /** Language and glucose unit a visitor chose before signing in (signed-in people keep theirs in the account). */
    UI_PREFS("ui_prefs", Kind.PREFERENCE, Duration.ofDays(365), true, SameSite.LAX, false, "/");

    /** Why a cookie may be set without asking. */
    public enum Kind {
        /** Strictly necessary for the service the visitor asked for; it cannot work without it. */
        ESSENTIAL,
        /** A preference set only when the visitor chose it; nothing breaks without it (defaults apply). */
        PREFERENCE
    }

    private final String baseName;
    private final Kind kind;
    private final Duration maxAge;
    private final boolean httpOnly;
    private final SameSite sameSite;
    private final boolean hostPrefix;
    private final String path;

    SiteCookie(String baseName, Kind kind, Duration maxAge, boolean httpOnly, SameSite sameSite, boolean hostPrefix,
               String path) {
        this.baseName = baseName;
        this.kind = kind;
        this.maxAge = maxAge;
        this.httpOnly = httpOnly;
        this.sameSite = sameSite;
        this.hostPrefix = hostPrefix;
        this.path = path;
    }

    public String baseName() {
        return baseName;
    }

    public Kind kind() {
        return kind;
    }

    /** Its longest lifetime, empty for a browser-session cookie. */
    public Optional<Duration> maxAge() {
        return Optional.ofNullable(maxAge);
    }

    public boolean httpOnly() {
        return httpOnly;
    }

    public SameSite sameSite() {
        return sameSite;
    }

    public boolean hostPrefix() {
        return hostPrefix;
    }

    public String path() {
        return path;
    }

    /** Its name on a deployment served over HTTPS or not. */
    public String name(boolean httpsDeployment) {
        return httpsDeployment && hostPrefix ? "__Host-" + baseName : baseName;
    }

    /** i18n key stem of its texts: {@code cookies.<id>.purpose}, {@code .lifetime}. */
    public String key() {
        return "cookies." + baseName.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /** The declared cookie of a name as it appears in a browser (with or without {@code __Host-}), if any. */
    public static Optional<SiteCookie> byName(String name) {
        String plain = name.startsWith("__Host-") ? name.substring("__Host-".length()) : name;
        return Arrays.stream(values())
                .filter(c -> c.baseName.equals(plain) && (c.hostPrefix || !name.startsWith("__Host-"))).findFirst();
    }
}
