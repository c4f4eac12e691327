package org.mqcgm.server.platform.security;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.web.Cookies;
import org.mqcgm.server.platform.web.Csrf;

/**
 * The single place where access is decided. Called for every route before its handler, with the rule the route
 * was registered with:
 * <ul>
 *   <li>credentials are read from the {@code Authorization: Bearer} header (API tokens) or the {@code SESSION}
 *       cookie (web sessions);</li>
 *   <li>state-changing requests that carry the session cookie, and every form post, must carry the CSRF token
 *       (cookies are ambient credentials; bearer tokens are not);</li>
 *   <li>API routes answer 401 problems, pages redirect to the login page;</li>
 *   <li>routes touching health data need the account's current consent to its processing (403
 *       {@code CONSENT_REQUIRED});</li>
 *   <li>someone's shareable data ({@link Access.Shared}) is served to that person or to a grantee whose active
 *       {@link Grant} covers it ({@link Grants}), and is a 404 for everyone else, so that its existence does not
 *       leak; a grantee's reads are recorded for the person.</li>
 *   <li>a page reached through a link a person made for someone without an account ({@link Access.Link}) is
 *       answered by {@link LinkTokens}: 404 for unknown or revoked tokens and without the person's consents, 410
 *       once ended, the PIN first where there is one.</li>
 * </ul>
 */
public final class AccessControl {

    /** The session cookie's plain name ({@code __Host-SESSION} over HTTPS, see {@link Cookies}). */
    public static final String SESSION_COOKIE = Csrf.SESSION_COOKIE;
    /** How long a confirmed password counts as "recent" for sensitive actions (PR-64). */
    public static final java.time.Duration RECENT_LOGIN = java.time.Duration.ofMinutes(5);

    private final Authenticator authenticator;
    private final Consents consents;
    private final Grants grants;
    /** The links people made for someone without an account ({@link Access.Link}); set by the composition root. */
    private volatile LinkTokens links = LinkTokens.NONE;
    /** The grants people give support agents ({@link Access.SupportGrant}); set by the composition root. */
    private volatile SupportGrants supportGrants = SupportGrants.NONE;
    /** The Nightscout clients' credentials ({@link Access.Nightscout}); set by the composition root. */
    private volatile NightscoutAuth nightscout = NightscoutAuth.NONE;
    /** Accounts on hold (a minor waiting for a guardian, a reported account); set by the composition root. */
    private volatile Holds holds = Holds.NONE;
    /** Open event streams by owner, with the credential each was opened with. */
    private final java.util.Map<java.util.UUID, java.util.Set<Stream>> streams =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * An open event stream, the credential (bearer token or session cookie) it was opened with, the consents its
     * route requires and, on someone else's data, whose data it is and the share it needs (else null).
     */
    private record Stream(io.javalin.http.sse.SseClient client, String bearer, String cookie,
                          java.util.Set<Consents.Purpose> consents, UUID person, ShareScope share) {
    }

    /** How often every open stream is checked again, for what sends no notice (a session expiring). */
    static final java.time.Duration RECHECK_EVERY = java.time.Duration.ofSeconds(30);
    private final java.util.concurrent.ScheduledExecutorService rechecks =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "stream-recheck");
                t.setDaemon(true);
                return t;
            });
    private final java.time.Clock clock;

    public AccessControl(Authenticator authenticator, Consents consents, java.time.Clock clock) {
        this(authenticator, consents, Grants.NONE, clock);
    }

    public AccessControl(Authenticator authenticator, Consents consents, Grants grants, java.time.Clock clock) {
        this.authenticator = authenticator;
        this.consents = consents;
        this.grants = grants;
        this.clock = clock;
    }

    /** Answers {@link Access.Link} routes with these links (the clinician feature's). */
    public void linkTokens(LinkTokens links) {
        this.links = links;
    }

    /** Answers {@link Access.Nightscout} routes with these credentials (the nightscout feature's). */
    public void nightscout(NightscoutAuth auth) {
        this.nightscout = auth;
    }

    /**
     * Refuses health data to accounts on hold (the guardians feature's, PR-77, PR-79): 403 with the hold's code on
     * the API, the page that explains it ({@code /guardian}) for pages.
     */
    public void holds(Holds holds) {
        this.holds = holds;
    }

    /** The platform's request limits ({@link RateLimits}); set by the composition root. */
    private volatile RateLimits rateLimits = RateLimits.NONE;

    /** Enforces the routes' declared {@link RateLimit}s with these limits (issue 16). */
    public void rateLimits(RateLimits limits) {
        this.rateLimits = limits;
    }

    /** Counts a request of a route declared under {@code limit} (after {@link #check}); 429 past it. */
    public void admit(Context ctx, RateLimit limit) {
        rateLimits.admit(ctx, limit);
    }

    /** Answers {@link Access.SupportGrant} routes with these grants (the support feature's). */
    public void supportGrants(SupportGrants grants) {
        this.supportGrants = grants;
    }

    /** Checks the rule; attaches and returns the principal, or throws a problem / redirect. */
    public Optional<Principal> check(Context ctx, Access rule) {
        if (rule instanceof Access.Nightscout ns) {
            // Nightscout clients carry their own credentials (and a bearer JWT that is no API token): no session,
            // no API token, no CSRF (nothing here is reached with a cookie), Nightscout's refusals.
            return checkNightscout(ctx, ns);
        }
        Optional<Principal> principal = authenticate(ctx);
        if (needsCsrfToken(ctx, principal) && !(rule instanceof Access.Public p && p.tokenInPath())) {
            Csrf.requireValid(ctx);
        }
        principal.ifPresent(p -> p.attachTo(ctx));
        if (principal.isPresent() && principal.get().passwordChangeRequired() && !(rule instanceof Access.Public)
                && !PASSWORD_CHANGE_PATHS.contains(ctx.path())) {
            // ASVS V2.1.7: a session whose password was found breached may do nothing but change it.
            if (ctx.path().startsWith("/api/")) {
                throw passwordChangeRequiredProblem();
            }
            throw new PasswordChangeRequired();
        }
        switch (rule) {
            case Access.Public ignored -> {
                return principal;
            }
            case Access.Page page -> {
                checkPage(principal, page.recentLogin(), page.consents());
                return principal;
            }
            case Access.Api api -> {
                checkApi(principal, api.scope(), api.recentLogin(), api.consents());
                return principal;
            }
            case Access.Shared shared -> {
                checkShared(ctx, principal, shared);
                return principal;
            }
            case Access.Link link -> {
                checkLink(ctx, link);
                return principal;
            }
            case Access.Moderator ignored -> {
                requireRoleInSession(principal, Role.MODERATOR);
                return principal;
            }
            case Access.Support ignored -> {
                requireRoleInSession(principal, Role.SUPPORT);
                return principal;
            }
            case Access.Desk desk -> {
                if (desk.dpoOnly() || principal.isEmpty() || !principal.get().has(Role.SUPPORT)) {
                    DpoAccess.require(principal, false); // the officer: one rule, with two-factor
                } else {
                    requireRoleInSession(principal, Role.SUPPORT);
                }
                return principal;
            }
            case Access.SupportGrant grant -> {
                checkSupportGrant(ctx, principal, grant);
                return principal;
            }
            case Access.Nightscout ignored -> throw new IllegalStateException("checked above");
            case Access.Dpo ignored -> {
                DpoAccess.require(principal, true);
                return principal;
            }
            case Access.Admin ignored -> {
                requireRoleInSession(principal, Role.ADMIN);
                if (!principal.get().twoFactor()) {
                    throw new ProblemException(Problem.of(403, "two-factor-required", "Two-factor required",
                            "Administration needs two-factor authentication. Turn it on in Settings."));
                }
                return principal;
            }
        }
    }

    private void checkPage(Optional<Principal> principal, boolean recentLogin,
                           java.util.Set<Consents.Purpose> purposes) {
        requirePageCaller(principal);
        if (recentLogin && !recent(principal.get())) {
            throw new RecentLoginRequired();
        }
        if (needsPolicyAcceptance(principal.get(), purposes)) {
            throw new PolicyAcceptanceRequired();
        }
        if (purposes.contains(Consents.Purpose.HEALTH_DATA)
                && holds.of(principal.get().accountId()).isPresent()) {
            throw new OnHold();
        }
        requireConsents(principal.get(), purposes);
    }

    private static void requirePageCaller(Optional<Principal> principal) {
        if (principal.isEmpty() || principal.get().method() != Principal.Method.SESSION) {
            throw new LoginRequired();
        }
    }

    private void checkApi(Optional<Principal> principal, Scope scope, boolean recentLogin,
                          java.util.Set<Consents.Purpose> purposes) {
        requireApiCaller(principal, scope);
        if (recentLogin && principal.get().method() == Principal.Method.SESSION && !recent(principal.get())) {
            throw new ProblemException(Problem.of(401, "reauth-required", "Confirm it is you",
                    "This action needs your password (and second factor) confirmed in the last "
                            + RECENT_LOGIN.toMinutes() + " minutes.").with("code", "REAUTH_REQUIRED"));
        }
        if (needsPolicyAcceptance(principal.get(), purposes)) {
            throw new ProblemException(Problem.of(403, "policy-acceptance-required",
                    "New privacy policy to accept",
                    "The privacy policy changed in a way that needs your agreement. Until you accept it"
                            + " (at /privacy/accept), optional processing stays off.")
                    .with("code", "POLICY_ACCEPTANCE_REQUIRED"));
        }
        if (purposes.contains(Consents.Purpose.HEALTH_DATA)) {
            holds.of(principal.get().accountId()).ifPresent(hold -> {
                throw new ProblemException(onHold(hold));
            });
        }
        requireConsents(principal.get(), purposes);
    }

    /** The answer to an account on hold asking for health data (uploads, imports, logbook writes, reads). */
    private static Problem onHold(Holds.Hold hold) {
        return switch (hold) {
            case GUARDIAN_CONSENT_REQUIRED -> Problem.of(403, "guardian-consent-required", "Guardian consent required",
                            "This account belongs to someone under the age of majority: until a parent or guardian"
                                    + " consents (see /guardian), nothing but the sign-up data is stored.")
                    .with("code", "GUARDIAN_CONSENT_REQUIRED");
            case ACCOUNT_SUSPENDED -> Problem.of(403, "account-suspended", "Account suspended",
                            "This account was reported as a child's account without a guardian's consent and is"
                                    + " suspended while the report is reviewed (see /guardian).")
                    .with("code", "ACCOUNT_SUSPENDED");
        };
    }

    private static void requireApiCaller(Optional<Principal> principal, Scope scope) {
        if (principal.isEmpty()) {
            throw new ProblemException(Problem.unauthorized(
                    "Send an API token as 'Authorization: Bearer <token>' or sign in."));
        }
        if (scope != null && !principal.get().has(scope)) {
            throw new ProblemException(Problem.of(403, "insufficient-scope", "Insufficient scope",
                    "This token lacks the scope '" + scope.id() + "'.")
                    .with("requiredScope", scope.id()));
        }
    }

    /**
     * The person's own data under the rules of their pages and API; someone else's only under an active grant
     * covering the route's share scope, with the person's consents to the route's purposes and to sharing. Every
     * other caller gets 404, whatever the reason (no share, revoked, ended, consent withdrawn, no such person):
     * what a stranger is not shown must not tell them whether it exists.
     */
    private void checkShared(Context ctx, Optional<Principal> principal, Access.Shared rule) {
        if (rule.page()) {
            requirePageCaller(principal);
        } else {
            requireApiCaller(principal, rule.scope());
        }
        UUID person = PathParams.uuid(ctx, "person");
        ctx.attribute(Grant.PERSON_ATTRIBUTE, person);
        Principal caller = principal.get();
        if (person.equals(caller.accountId())) {
            if (rule.page()) {
                checkPage(principal, false, rule.consents());
            } else {
                checkApi(principal, rule.scope(), false, rule.consents());
            }
            return;
        }
        Grant grant = grantFor(person, caller.accountId(), rule.share(), rule.consents())
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        grant.attachTo(ctx);
        grants.recordRead(grant, rule.share(), ctx.endpoint() == null ? ctx.path() : ctx.endpoint().path);
    }

    /**
     * A link's page: the link of the path's token, while the person consents to sharing and to the processing of
     * health data (404 otherwise, as for an unknown or revoked token: nothing tells a guesser a link existed); 410
     * once it has ended or was locked; a route serving the data needs the PIN first. The token is in the address,
     * so these pages are never stored nor indexed (the referrer policy is no-referrer everywhere).
     */
    private void checkLink(Context ctx, Access.Link rule) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Robots-Tag", "noindex, nofollow");
        LinkTokens.Link link = links.find(ctx, ctx.pathParam("token"))
                .filter(l -> consents.granted(l.person(), Consents.Purpose.SHARING)
                        && consents.granted(l.person(), Consents.Purpose.HEALTH_DATA))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        if (link.state() != LinkTokens.State.LIVE) {
            throw new ProblemException(Problem.of(410, "link-ended", "This link has ended",
                    "This link has ended. Ask the person who shared it for a new one.").with("code", "LINK_ENDED"));
        }
        if (rule.unlocked() && link.pin() && !link.unlocked()) {
            throw new ProblemException(Problem.of(403, "pin-required", "PIN required",
                    "Open the link and enter its PIN first.").with("code", "PIN_REQUIRED"));
        }
        link.attachTo(ctx);
    }

    /**
     * The role in a web session (moderators, support agents, administrators); anybody else learns nothing: the
     * route does not exist for them.
     */
    private static void requireRoleInSession(Optional<Principal> principal, Role role) {
        if (principal.isEmpty() || !principal.get().has(role)
                || principal.get().method() != Principal.Method.SESSION) {
            throw new ProblemException(Problem.notFound());
        }
    }

    /**
     * A support agent on the data of the person {@code {id}} (PR-23): only under a grant that person approved for
     * this agent, live now (approved, unexpired, its ticket open — asked at every request, so a grant ends by
     * itself) and covering the route's scope, while the person consents to the processing of health data; 403
     * otherwise. Every read is recorded for the person.
     */
    private void checkSupportGrant(Context ctx, Optional<Principal> principal, Access.SupportGrant rule) {
        requireRoleInSession(principal, Role.SUPPORT);
        UUID person = PathParams.uuid(ctx, "id");
        SupportGrants.Live live = supportGrants.live(person, principal.get().accountId(), rule.scope(),
                        clock.instant())
                .filter(g -> consents.granted(person, Consents.Purpose.HEALTH_DATA))
                .orElseThrow(() -> new ProblemException(Problem.of(403, "support-grant-required",
                        "No live support grant", "Support agents read a person's data only under a grant the"
                                + " person approved on an open ticket, until it ends.")
                        .with("code", "SUPPORT_GRANT_REQUIRED")));
        live.attachTo(ctx);
        supportGrants.recordRead(live, ctx.endpoint() == null ? ctx.path() : ctx.endpoint().path);
    }

    /** The grant, when it is active now, covers {@code share}, and the person consents to sharing and {@code purposes}. */
    private Optional<Grant> grantFor(UUID person, UUID grantee, ShareScope share,
                                     java.util.Set<Consents.Purpose> purposes) {
        return grants.active(person, grantee)
                .filter(g -> g.person().equals(person) && g.grantee().equals(grantee))
                .filter(g -> g.covers(share) && g.activeAt(clock.instant()))
                .filter(g -> holds.of(person).isEmpty())
                .filter(g -> consents.granted(person, Consents.Purpose.SHARING)
                        && purposes.stream().allMatch(p -> consents.granted(person, p)));
    }

    /**
     * Health data is processed only with the account's current consent (PR-19): the same 403 problem for API
     * calls and pages (a browser is shown a page explaining the consent, with a link to Settings → Privacy).
     */
    private Optional<Principal> checkNightscout(Context ctx, Access.Nightscout rule) {
        Optional<Principal> principal = nightscout.authenticate(ctx);
        principal.ifPresent(p -> p.attachTo(ctx));
        if (rule.permission() == Access.NsPermission.NONE) {
            return principal;
        }
        if (principal.isEmpty() || principal.get().method() != Principal.Method.NIGHTSCOUT
                || !principal.get().has(rule.permission() == Access.NsPermission.WRITE
                        ? Scope.READINGS_WRITE : Scope.READINGS_READ)) {
            throw NightscoutRefused.UNAUTHORIZED;
        }
        UUID wearer = principal.get().accountId();
        if (consents.mustAcceptPolicy(wearer) || !consents.granted(wearer, Consents.Purpose.HEALTH_DATA)) {
            throw new NightscoutRefused(403, "Forbidden", "The wearer does not consent to the processing of health"
                    + " data now (mqcgm: Settings → Privacy).");
        }
        if (holds.of(wearer).isPresent()) {
            throw new NightscoutRefused(403, "Forbidden", holds.of(wearer).get().name()
                    + ": the wearer's account is on hold (mqcgm: /guardian).");
        }
        return principal;
    }

    /**
     * A refusal in the Nightscout API's own shape, {@code {"status":…,"message":…,"description":…}} (clients
     * parse it; Nightscout's 401 is exactly {@link #UNAUTHORIZED}). Handlers of Nightscout routes throw it too.
     */
    public static final class NightscoutRefused extends RuntimeException {
        /** Nightscout's answer to missing, wrong or insufficient credentials. */
        public static final NightscoutRefused UNAUTHORIZED =
                new NightscoutRefused(401, "Unauthorized", "Invalid/Missing");

        private final int status;
        private final String description;

        public NightscoutRefused(int status, String message, String description) {
            super(message, null, false, false);
            this.status = status;
            this.description = description;
        }

        public int status() {
            return status;
        }

        public String description() {
            return description;
        }
    }

    private void requireConsents(Principal principal, java.util.Set<Consents.Purpose> purposes) {
        for (Consents.Purpose purpose : purposes) {
            if (!consents.granted(principal.accountId(), purpose)) {
                throw new ProblemException(consentRequired(purpose));
            }
        }
    }

    /**
     * Whether the route needs a consent-based purpose while the account has not accepted the current major version
     * of the privacy policy (PR-83): then it is sent to accept it first instead of being told to consent.
     */
    private boolean needsPolicyAcceptance(Principal principal, java.util.Set<Consents.Purpose> purposes) {
        return purposes.stream().anyMatch(p -> p.basis() == Consents.Basis.CONSENT)
                && consents.mustAcceptPolicy(principal.accountId());
    }

    /** The token of an {@code Authorization: Bearer <token>} header. */
    private static String bearerToken(String authorization) {
        return authorization.substring(7).trim();
    }

    /** The answer to a caller whose account does not consent to {@code purpose}. */
    private static Problem consentRequired(Consents.Purpose purpose) {
        String detail = purpose == Consents.Purpose.HEALTH_DATA
                ? "Glucose readings are health data. Give your consent to their processing in Settings → Privacy"
                        + " (or POST /api/v1/me/consents) before uploading."
                : "This needs your consent to '" + purpose.id() + "'. Give it in Settings → Privacy (or POST"
                        + " /api/v1/me/consents with {\"purpose\":\"" + purpose.id() + "\",\"granted\":true}).";
        return Problem.of(403, "consent-required", "Consent required", detail)
                .with("code", "CONSENT_REQUIRED").with("purpose", purpose.id());
    }

    private boolean recent(Principal p) {
        return p.recentLogin() != null && p.recentLogin().isAfter(clock.instant().minus(RECENT_LOGIN));
    }

    /**
     * Whether the request carries a live session or API token (a bad one is no error here: {@link #check} reports
     * it). Lets a route give an identified caller more than an anonymous one before the check reads the body.
     */
    public boolean identifies(Context ctx) {
        try {
            return authenticate(ctx).isPresent();
        } catch (ProblemException e) {
            return false;
        }
    }

    private Optional<Principal> authenticate(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new ProblemException(Problem.unauthorized("Only 'Authorization: Bearer <token>' is supported."));
            }
            // A presented but unknown or revoked token is an error, never a silent fall-back to anonymous.
            return Optional.of(authenticator.apiToken(bearerToken(authorization))
                    .orElseThrow(() -> new ProblemException(
                            Problem.unauthorized("The API token is unknown, has expired or has been revoked."))));
        }
        String cookie = Cookies.read(ctx, org.mqcgm.server.platform.web.SiteCookie.SESSION);
        return cookie == null ? Optional.empty() : authenticator.session(cookie, !background(ctx));
    }

    /**
     * The header an open page's script sends on its own periodic requests (the live refresh of Today, the progress
     * of an export): they are not the person's activity, so they do not keep a session from its idle end.
     */
    public static final String BACKGROUND_HEADER = "X-Background-Refresh";

    /**
     * Whether a request is background work of an open page rather than something the person did (ASVS V3.3.2): its
     * script's periodic refresh ({@link #BACKGROUND_HEADER}) or an event stream ({@code Accept: text/event-stream},
     * which a browser's EventSource sends and re-sends on its own when it reconnects). Only the caller's own session
     * is concerned: claiming it merely lets that session end sooner.
     */
    static boolean background(Context ctx) {
        String accept = ctx.header("Accept");
        return ctx.header(BACKGROUND_HEADER) != null
                || accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/event-stream");
    }

    /**
     * A state-changing request needs the CSRF token when the browser could have sent it on its own: when it
     * carries the session cookie, or when it has a content type a cross-site form can produce. A JSON request
     * without cookies, or one authenticated by a bearer token, cannot be forged that way.
     */
    private static boolean needsCsrfToken(Context ctx, Optional<Principal> principal) {
        if (!isUnsafe(ctx) || principal.map(p -> p.method() == Principal.Method.API_TOKEN).orElse(false)) {
            return false;
        }
        return Cookies.read(ctx, org.mqcgm.server.platform.web.SiteCookie.SESSION) != null || Csrf.isFormContentType(ctx);
    }

    private static boolean isUnsafe(Context ctx) {
        HandlerType m = ctx.method();
        return m == HandlerType.POST || m == HandlerType.PUT || m == HandlerType.PATCH || m == HandlerType.DELETE;
    }

    /**
     * Keeps an event stream open only as long as the credential it was opened with stays valid: when the owner's
     * credentials change on any node ({@link Authenticator#CREDENTIALS_CHANGED}: logout, ended sessions, revoked
     * tokens, password reset, reported compromise) or their consents change ({@link Consents#CHANGED}), the stream
     * checks its credential and the consents its route requires again and closes if the credential no longer
     * authenticates the same account or a consent was withdrawn. Every {@link #RECHECK_EVERY} all streams are
     * checked again, for what sends no notice (a session reaching its idle or absolute end). Called by
     * {@code Routes.sse} after the access check, with the route's rule.
     */
    public void watch(io.javalin.http.sse.SseClient client, Access rule) {
        Context ctx = client.ctx();
        Principal principal = Principal.of(ctx);
        String authorization = ctx.header("Authorization");
        UUID person = Grant.of(ctx).map(Grant::person).orElse(null);
        ShareScope share = person != null && rule instanceof Access.Shared s ? s.share() : null;
        Stream stream = authorization != null
                ? new Stream(client, bearerToken(authorization), null, rule.consents(), person, share)
                : new Stream(client, null, Cookies.read(ctx, org.mqcgm.server.platform.web.SiteCookie.SESSION), rule.consents(), person, share);
        // Streams that ended since (the client went away) are forgotten here, not only at a credential change:
        // an app reconnecting all day would otherwise leave one entry per connection. Atomic per owner, so that
        // recheck cannot drop the owner's set between its lookup and the add.
        streams.compute(principal.accountId(), (owner, open) -> {
            java.util.Set<Stream> set = open != null ? open : java.util.concurrent.ConcurrentHashMap.newKeySet();
            set.removeIf(s -> s.client().terminated());
            set.add(stream);
            return set;
        });
        if (draining) {
            endWithRetryHint(client); // opened while the node began to drain
        }
    }

    /** How many streams of {@code owner} are watched (tests). */
    int watched(java.util.UUID owner) {
        java.util.Set<Stream> open = streams.get(owner);
        return open == null ? 0 : open.size();
    }

    /**
     * Listens for credential and consent changes of every node (a lost listener checks every open stream), and
     * checks every open stream again every {@link #RECHECK_EVERY}.
     */
    public void closeStreamsWhenCredentialsChange(org.mqcgm.server.platform.db.Notifications notifications) {
        java.util.function.Consumer<String> ofOwner = payload -> {
            // credential notices carry the owner id, consent notices "owner/purpose", grant notices
            // "person/grantee": the streams of that account, and those of others on that account's data
            int slash = payload.indexOf('/');
            try {
                UUID id = UUID.fromString(slash < 0 ? payload : payload.substring(0, slash));
                recheck(id);
                recheckViewersOf(id);
                if (slash >= 0) {
                    recheck(UUID.fromString(payload.substring(slash + 1)));
                }
            } catch (IllegalArgumentException e) {
                // not an account id: nothing of ours
            }
        };
        notifications.on(Authenticator.CREDENTIALS_CHANGED, ofOwner, this::recheckAll);
        notifications.on(Consents.CHANGED, ofOwner, this::recheckAll);
        notifications.on(Grants.CHANGED, ofOwner, this::recheckAll);
        rechecks.scheduleWithFixedDelay(this::recheckAll, RECHECK_EVERY.toSeconds(), RECHECK_EVERY.toSeconds(),
                java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Checks again the open streams others have on {@code person}'s data. */
    private void recheckViewersOf(UUID person) {
        streams.forEach((viewer, open) -> {
            if (open.stream().anyMatch(s -> person.equals(s.person()))) {
                recheck(viewer);
            }
        });
    }

    /** Checks every open stream again now (the periodic check; tests and operators may call it). */
    public void recheckAll() {
        try {
            streams.keySet().forEach(this::recheck);
        } catch (RuntimeException e) {
            // a database hiccup must not end the periodic check; the next round tries again
            org.slf4j.LoggerFactory.getLogger(AccessControl.class).warn("stream recheck failed: {}",
                    org.mqcgm.server.platform.db.SafeErrors.describe(e));
        }
    }

    /** Stops the periodic check (at shutdown). */
    public void close() {
        rechecks.shutdownNow();
    }

    /** Set once this node drains (shutdown): every stream ends with a retry hint, new ones at once. */
    private volatile boolean draining;

    /** Whether this node drains: a new event stream is ended at once with a retry hint. */
    public boolean draining() {
        return draining;
    }

    /**
     * The node drains (graceful shutdown behind a load balancer): every open event stream ends with a reconnection
     * hint ({@link #endWithRetryHint}), so that its client reconnects — through the balancer, to another node —
     * and streams opened from now on end the same way at once. Returns how many streams ended.
     */
    public int drainStreams() {
        draining = true;
        int ended = 0;
        for (java.util.UUID owner : streams.keySet()) {
            java.util.Set<Stream> open = streams.remove(owner);
            if (open != null) {
                for (Stream s : open) {
                    if (!s.client().terminated()) {
                        endWithRetryHint(s.client());
                        ended++;
                    }
                }
            }
        }
        return ended;
    }

    /**
     * Ends an event stream with an SSE {@code retry:} field: how long the client waits before reconnecting,
     * 0.5–2 s, drawn per stream so that a node's thousands of followers do not all come back in the same instant.
     * Writers of a stream hold its {@link io.javalin.http.sse.SseClient} as their lock (the feature's events and
     * heartbeats too), so the field never lands inside another event.
     */
    public static void endWithRetryHint(io.javalin.http.sse.SseClient client) {
        long millis = 500 + java.util.concurrent.ThreadLocalRandom.current().nextLong(1501);
        synchronized (client) {
            if (!client.terminated()) {
                try {
                    jakarta.servlet.ServletOutputStream out = client.ctx().res().getOutputStream();
                    out.write(("retry: " + millis + "\n\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    out.flush();
                } catch (java.io.IOException | RuntimeException e) {
                    // the client went away already: nothing to tell it
                }
            }
        }
        client.close();
    }

    /** Closes the owner's streams whose credential no longer authenticates the owner; forgets closed ones. */
    void recheck(java.util.UUID owner) {
        java.util.Set<Stream> open = streams.get(owner);
        if (open == null) {
            return;
        }
        open.removeIf(s -> {
            if (s.client().terminated()) {
                return true;
            }
            Optional<Principal> now = s.bearer() != null ? authenticator.apiToken(s.bearer())
                    : s.cookie() != null ? authenticator.session(s.cookie(), false) : Optional.empty();
            boolean same = now.map(p -> p.accountId().equals(owner)).orElse(false);
            boolean allowed = s.person() == null
                    ? s.consents().stream().allMatch(purpose -> consents.granted(owner, purpose))
                    : grantFor(s.person(), owner, s.share(), s.consents()).isPresent();
            if (same && allowed) {
                return false;
            }
            s.client().close();
            return true;
        });
        streams.computeIfPresent(owner, (k, v) -> v.isEmpty() ? null : v);
    }

    /** Where a session whose password must be changed first is sent ({@link Principal#passwordChangeRequired}). */
    public static final String PASSWORD_CHANGE_PAGE = "/settings/password";
    /** What such a session may still reach besides public routes: the change form and the password confirmation. */
    private static final java.util.Set<String> PASSWORD_CHANGE_PATHS = java.util.Set.of(PASSWORD_CHANGE_PAGE,
            "/confirm");

    /**
     * The answer to an API request of a session whose password must be changed first, and to an API login with such
     * a password (no token is issued for it): 403 {@code password-change-required}.
     */
    public static ProblemException passwordChangeRequiredProblem() {
        return new ProblemException(Problem.of(403, "password-change-required", "Password change required",
                "Your password appears in lists of passwords exposed in data breaches, or is too common to be safe."
                        + " Sign in on the web and change it (" + PASSWORD_CHANGE_PAGE + "); then ask for a token"
                        + " again.").with("code", "PASSWORD_CHANGE_REQUIRED"));
    }

    /**
     * Thrown for pages of a session whose password must be changed first (ASVS V2.1.7); rendered as a redirect to
     * {@link #PASSWORD_CHANGE_PAGE}, which explains why.
     */
    public static final class PasswordChangeRequired extends RuntimeException {
        public PasswordChangeRequired() {
            super("password change required", null, false, false);
        }
    }

    /** Thrown for pages that need a signed-in user; rendered as a redirect to the login page. */
    public static final class LoginRequired extends RuntimeException {
        public LoginRequired() {
            super("login required", null, false, false);
        }
    }

    /**
     * Thrown for pages needing an optional purpose while a new major version of the privacy policy awaits the
     * person's acceptance; rendered as a redirect to the page that asks for it.
     */
    public static final class PolicyAcceptanceRequired extends RuntimeException {
        public PolicyAcceptanceRequired() {
            super("policy acceptance required", null, false, false);
        }
    }

    /** Thrown for health-data pages of an account on hold; rendered as a redirect to {@code /guardian}. */
    public static final class OnHold extends RuntimeException {
        public OnHold() {
            super("account on hold", null, false, false);
        }
    }

    /** Thrown for sensitive pages without a recent login; rendered as a redirect to the confirmation page. */
    public static final class RecentLoginRequired extends RuntimeException {
        public RecentLoginRequired() {
            super("recent login required", null, false, false);
        }
    }
}
