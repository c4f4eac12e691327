package org.mqcgm.server.accounts;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.core.metrics.RangeThresholds;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.security.Authenticator;

/**
 * The accounts feature: sign-up, login, sessions, two-factor, password reset, devices, API tokens, settings and
 * the security activity log. Other features see it only through its ports: {@link #authenticator()} (for access
 * control), {@link #profiles()} (zone, unit, language of a person) and {@link #timeZones()}.
 */
public final class AccountsFeature implements Feature {

    /** What the accounts feature is configured with. */
    public record Settings(org.mqcgm.server.ServerConfig.Argon2Cost argon2, Duration sessionIdle, Duration sessionAbsolute,
                           String publicUrl) {
    }

    /** The JSON answers of the API, by their component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    private final Accounts accounts;
    private final AccountStore store;
    private final Sessions sessions;
    private final ApiTokens tokens;
    private final Devices devices;
    private final LoginThrottle throttle;
    private final Platform platform;
    private final String publicUrl;
    private final Passkeys passkeys;

    private AccountsFeature(Platform platform, Accounts accounts, AccountStore store, Sessions sessions,
                            ApiTokens tokens, Devices devices, String publicUrl) {
        this.platform = platform;
        this.publicUrl = publicUrl;
        this.accounts = accounts;
        this.store = store;
        this.sessions = sessions;
        this.tokens = tokens;
        this.devices = devices;
        this.throttle = new LoginThrottle();
        // Passkeys (issue 16); a reported compromise removes them all: one may be the attacker's.
        this.passkeys = new Passkeys(platform.jdbi(), platform.userKeys(), accounts.events(), publicUrl,
                platform.systemClock());
        accounts.onCompromise(passkeys::removeAll);
    }

    public static AccountsFeature create(Platform platform, Settings settings) {
        return create(platform, settings, org.mqcgm.server.platform.support.Tickets.NONE);
    }

    /**
     * @param tickets opens support tickets: a reported compromise opens a P1 ticket (PR-59), a lockout's "Request
     *                human review" a review ticket (PR-72)
     */
    public static AccountsFeature create(Platform platform, Settings settings,
                                         org.mqcgm.server.platform.support.Tickets tickets) {
        AccountStore store = new AccountStore(platform.jdbi(), platform.userKeys(), platform.secrets());
        store.listen(platform.notifications());
        Sessions sessions = new Sessions(platform.jdbi(), platform.systemClock(), settings.sessionIdle(),
                settings.sessionAbsolute());
        ApiTokens tokens = new ApiTokens(platform.jdbi(), platform.systemClock());
        tokens.listenForRevocations(platform.notifications());
        SecurityEvents events = new SecurityEvents(platform.jdbi(), platform.systemClock());
        Accounts accounts = new Accounts(store, new PasswordHasher(settings.argon2(), platform.secrets()), sessions, tokens, events,
                platform.outbound(), settings.publicUrl(), platform.secrets(), platform.consents(),
                platform.systemClock());
        accounts.tickets(tickets);
        Devices devices = new Devices(platform.jdbi(), platform.secrets(), events, platform.systemClock());
        return new AccountsFeature(platform, accounts, store, sessions, tokens, devices, settings.publicUrl());
    }

    @Override
    public void routes(Routes routes, Web web) {
        new AccountRoutes(accounts, sessions, tokens, devices, throttle, web.pages(), web.contexts(),
                platform.json(), platform.clientAddress()).register(routes);
        new CollectorRoutes(accounts, tokens, publicUrl, platform.clientAddress()).register(routes, web);
        new PasskeyRoutes(passkeys, accounts, throttle, new WebSessions(sessions, platform.clientAddress()),
                new FormPage(web.pages(), web.contexts()), platform.json(), platform.clientAddress()).register(routes);
    }

    /** The daily job telling owners of API tokens that end within 14 days (ASVS V2.3.3). */
    public static final String TOKEN_EXPIRY_JOB = "api-token-expiry-notices";

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(Jobs.daily("purge-expired-account-codes", accounts::purgeExpired),
                Jobs.daily(TOKEN_EXPIRY_JOB, accounts::warnExpiringTokens));
    }

    /**
     * Security activity (180 days), ended web sessions, revoked API tokens and unlinked devices (90 days), deleted by
     * the retention job unless a legal hold keeps them.
     */
    @Override
    public List<org.mqcgm.server.platform.retention.Expiry> expiries() {
        org.jdbi.v3.core.Jdbi jdbi = platform.jdbi();
        return List.of(
                new org.mqcgm.server.platform.retention.SqlExpiry("security-events", jdbi, "security_event", "at",
                        "owner_id", "true"),
                new org.mqcgm.server.platform.retention.SqlExpiry("web-sessions", jdbi, "web_session",
                        "expires_at", "owner_id", "true"),
                // A token that expired no longer works either: it goes 30 days after its end, like a revoked one.
                new org.mqcgm.server.platform.retention.SqlExpiry("api-tokens-revoked", jdbi, "api_token",
                        "coalesce(revoked_at, expires_at)", "owner_id", "coalesce(revoked_at, expires_at) is not null"),
                new org.mqcgm.server.platform.retention.SqlExpiry("devices-unlinked", jdbi, "device", "unlinked_at",
                        "owner_id", "unlinked_at is not null"));
    }

    /** The account, sessions, tokens, devices and security activity, for "My data" and the export. */
    @Override
    public List<org.mqcgm.server.platform.rights.PersonalData> personalData() {
        return List.of(new AccountData(platform.jdbi(), store, platform.mapper()));
    }

    /** Credentials → principal, for access control. */
    public Authenticator authenticator() {
        return accounts;
    }

    /** The profile port: what other features may know about a person. */
    public Profiles profiles() {
        return id -> profile(accounts, id);
    }

    private static Optional<Profile> profile(Accounts accounts, UUID id) {
        return accounts.find(id).map(a -> new Profile(a.id(), a.label(), a.language(), a.unit(), a.timeZone(),
                RangeThresholds.consensusMgdl()));
    }

    /** A person's home time zone, for features that cut data into local days. */
    public java.util.function.Function<UUID, java.time.ZoneId> timeZones() {
        return store::timeZone;
    }

    /** Password (and code) confirmation before destructive or exfiltrating actions (PR-64). */
    public org.mqcgm.server.platform.security.Reconfirmation reconfirmation() {
        return (ctx, owner, password, code) -> accounts.confirm(owner, password, code, WebSessions.cookie(ctx),
                ClientFacts.of(ctx, platform.clientAddress()));
    }

    /**
     * What a research export may read (PR-35): the working accounts, their home zone and newest device model from
     * the accounts' tables, their readings from {@code readings} (the glucose feature's store).
     */
    public static org.mqcgm.server.platform.retention.ResearchSubjects researchSubjects(org.jdbi.v3.core.Jdbi jdbi,
            org.mqcgm.server.platform.retention.ResearchSubjects.Readings readings) {
        return new org.mqcgm.server.platform.retention.ResearchSubjects() {
            @Override
            public List<UUID> accounts() {
                return jdbi.withHandle(h -> h.createQuery("select id from account where status = 'active' order by id")
                        .mapTo(UUID.class).list());
            }

            @Override
            public java.util.Optional<String> zone(UUID account) {
                return jdbi.withHandle(h -> h.createQuery("select time_zone from account where id = :id")
                        .bind("id", account).mapTo(String.class).findOne());
            }

            @Override
            public java.util.Optional<String> deviceModel(UUID account) {
                return jdbi.withHandle(h -> h.createQuery("""
                                select model from device where owner_id = :o order by last_seen_at desc limit 1""")
                        .bind("o", account).mapTo(String.class).findOne());
            }

            @Override
            public List<Point> readings(UUID account, java.time.Instant from, java.time.Instant to) {
                return readings.range(account, from, to);
            }
        };
    }

    /** When accounts were last used (sign-in, API token), for the retention job's inactive accounts (PR-30). */
    public org.mqcgm.server.platform.retention.Inactivity inactivity() {
        return inactivity(platform.jdbi());
    }

    /** When accounts were last used, for the retention job (also without a running server). */
    public static org.mqcgm.server.platform.retention.Inactivity inactivity(org.jdbi.v3.core.Jdbi jdbi) {
        return new org.mqcgm.server.platform.retention.Inactivity() {
            @Override
            public List<java.util.UUID> inactiveSince(java.time.Instant cutoff, int limit) {
                return jdbi.withHandle(h -> h.createQuery("""
                                select id from account where status = 'active' and last_active_at < :cutoff
                                order by last_active_at limit :limit""")
                        .bind("cutoff", Sessions.utc(cutoff)).bind("limit", limit)
                        .mapTo(java.util.UUID.class).list());
            }

            @Override
            public java.util.Optional<java.time.Instant> lastActive(java.util.UUID account) {
                return jdbi.withHandle(h -> h.createQuery("""
                                select last_active_at from account where id = :id and status = 'active'""")
                        .bind("id", account).mapTo(java.time.OffsetDateTime.class).findOne()
                        .map(java.time.OffsetDateTime::toInstant));
            }
        };
    }

    /**
     * Closing and erasing accounts, for account cancellation (PR-68, PR-87): the port the cancellation feature
     * holds instead of the accounts' internals.
     */
    public org.mqcgm.server.platform.security.AccountClosure closure() {
        return new AccountClosing(accounts, tokens, platform.systemClock());
    }

    /** The same port for a command that runs without the server (operators cancelling on a user's behalf). */
    public static org.mqcgm.server.platform.security.AccountClosure closure(
            org.mqcgm.server.ServerConfig config, org.mqcgm.server.platform.db.Database database,
            org.mqcgm.server.platform.crypto.MasterKey master, org.mqcgm.server.platform.crypto.UserKeys keys,
            org.mqcgm.server.platform.outbound.Outbound outbound) {
        return AccountAdministration.closure(config, database, master, keys, outbound);
    }

    /** Which accounts exist and were in use, for notices about a security incident (PR-57, PR-58). */
    public org.mqcgm.server.platform.security.AccountDirectory directory() {
        return new AccountDirectoryStore(platform.jdbi());
    }

    /**
     * Where dates of birth go — given at sign-up, by an operator, or on the page asking accounts made before it was
     * asked (the guardians feature applies the age rules, PR-77).
     */
    public void birthDates(org.mqcgm.server.platform.profile.BirthDates birthDates) {
        accounts.birthDates(birthDates);
    }

    /**
     * An e-mail address or mobile number normalised as logins are (lower-case e-mail, E.164), or empty when it is
     * neither: other features compare contacts with accounts' (a guardian's contact must not be the child's).
     */
    public static Optional<String> normalisedLogin(String raw) {
        return Identifier.parse(raw).map(Identifier::value);
    }

    /** The account services (administration, tests). */
    public Accounts accounts() {
        return accounts;
    }

    public ApiTokens apiTokens() {
        return tokens;
    }

    public Devices devices() {
        return devices;
    }

    /**
     * Undoing an automated decision of accounts that a person at support overturned on review (PR-72): a login
     * lockout ends (its failed logins are forgotten). The support feature holds this port, never accounts' tables.
     */
    public org.mqcgm.server.platform.support.DecisionOverrides decisionOverrides() {
        return accounts::overturn;
    }

    /** What push subscriptions are tied to: live credentials, devices' push aliases (the push feature, PR-12). */
    public org.mqcgm.server.platform.push.PushBindings pushBindings() {
        return new PushLinks(platform.jdbi(), sessions);
    }
}
