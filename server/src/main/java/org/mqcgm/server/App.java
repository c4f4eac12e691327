package org.mqcgm.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.mqcgm.server.accounts.AccountRoutes;
import org.mqcgm.server.accounts.AccountStore;
import org.mqcgm.server.accounts.Devices;
import org.mqcgm.server.accounts.LoginThrottle;
import org.mqcgm.server.accounts.SecurityEvents;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboxSender;
import org.mqcgm.server.platform.outbound.Sender;
import org.mqcgm.server.platform.outbound.SmtpSender;
import org.mqcgm.server.accounts.Accounts;
import org.mqcgm.server.accounts.ApiTokens;
import org.mqcgm.server.accounts.PasswordHasher;
import org.mqcgm.server.accounts.Sessions;
import org.mqcgm.server.glucose.Annotations;
import org.mqcgm.server.glucose.GlucoseApiRoutes;
import org.mqcgm.server.glucose.HistoryPage;
import org.mqcgm.server.glucose.OpenApiRoutes;
import org.mqcgm.server.glucose.ReadingEvents;
import org.mqcgm.server.glucose.ReadingRoutes;
import org.mqcgm.server.glucose.Sensors;
import org.mqcgm.server.privacy.ConsentLedger;
import org.mqcgm.server.glucose.ReadingStore;
import org.mqcgm.server.glucose.Readings;
import org.mqcgm.server.glucose.TodayPage;
import org.mqcgm.server.health.HealthRoutes;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.Notifications;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.http.HttpServer;
import org.mqcgm.server.platform.http.Json;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.AccessControl;
import org.mqcgm.server.platform.web.ErrorPage;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.StaticAssets;
import org.mqcgm.server.platform.web.Pages;
import org.mqcgm.server.privacy.PrivacyRoutes;
import org.mqcgm.server.reports.ReportRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: configuration → database → keys → services → routes → HTTP server, in that order, in
 * plain code. Reading this class top to bottom shows every part of the server and who uses whom.
 */
public final class App implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(App.class);

    private final Database database;
    private final HttpServer http;
    private final HealthRoutes health;
    private final Accounts accounts;
    private final ApiTokens apiTokens;
    private final Readings readings;

    private final Devices devices;
    private final Outbound outbound;
    private final Jobs jobs;
    private final List<AutoCloseable> closeables;
    private final ConsentLedger consents;

    private App(Database database, HttpServer http, HealthRoutes health, Accounts accounts, ApiTokens apiTokens,
                Readings readings, Devices devices, Outbound outbound, Jobs jobs, List<AutoCloseable> closeables,
                ConsentLedger consents) {
        this.closeables = closeables;
        this.consents = consents;
        this.database = database;
        this.http = http;
        this.health = health;
        this.accounts = accounts;
        this.apiTokens = apiTokens;
        this.readings = readings;
        this.devices = devices;
        this.outbound = outbound;
        this.jobs = jobs;
    }

    private static Sender smtp(SmtpSender.Settings settings) {
        try {
            return new SmtpSender(settings);
        } catch (jakarta.mail.MessagingException e) {
            throw new ConfigException("MQCGM_MAIL_FROM", "not a valid sender address: " + e.getMessage());
        }
    }

    /**
     * Starts the server.
     *
     * @param config    all settings
     * @param dataClock the clock glucose data is judged by ("now" of the Today page, future-reading checks); the
     *                  system clock except in the demo, which can run it faster. Security timeouts always use the
     *                  system clock.
     */
    public static App start(ServerConfig config, Clock dataClock) {
        return start(config, dataClock, Clock.systemUTC());
    }

    /**
     * Starts the server with an explicit clock for security timeouts, codes and retention (tests move it forward).
     */
    public static App start(ServerConfig config, Clock dataClock, Clock systemClock) {
        return start(config, dataClock, systemClock, routes -> {
        });
    }

    /** Starts the server with extra routes (the demo adds its outbox page). */
    public static App start(ServerConfig config, Clock dataClock, Clock systemClock,
                            java.util.function.Consumer<Routes> extraRoutes) {
        // The key first: a wrong key file is a configuration error and must stop us before we touch the database.
        MasterKey masterKey = MasterKey.load(config.masterKeyFile());

        Database database = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(),
                config.databasePoolSize());
        try {
            int migrations = database.migrate();
            if (migrations > 0) {
                log.info("applied {} database migrations", migrations);
            }

            Notifications notifications = new Notifications(database.dataSource());
            UserKeys userKeys = new UserKeys(database.jdbi(), masterKey);
            userKeys.listen(notifications);
            DeploymentSecrets secrets = DeploymentSecrets.loadOrCreate(database.jdbi(), masterKey);

            OutboxSender outbox = new OutboxSender(config.outboxDirectory(), systemClock);
            Sender email = config.smtp() == null ? outbox : smtp(config.smtp());
            if (config.smtp() == null) {
                log.warn("no SMTP server configured (MQCGM_SMTP_HOST): e-mails are written to {}",
                        config.outboxDirectory().toAbsolutePath());
            }
            Outbound outbound = new Outbound(email, outbox);

            AccountStore accountStore = new AccountStore(database.jdbi(), userKeys, secrets);
            Sessions sessions = new Sessions(database.jdbi(), systemClock, config.sessionIdle(),
                    config.sessionAbsolute());
            ApiTokens apiTokens = new ApiTokens(database.jdbi(), systemClock);
            apiTokens.listenForRevocations(notifications);
            SecurityEvents securityEvents = new SecurityEvents(database.jdbi(), systemClock);
            ConsentLedger consents = new ConsentLedger(database.jdbi(), systemClock);
            consents.listen(notifications);
            Accounts accounts = new Accounts(accountStore, new PasswordHasher(config.argon2()), sessions, apiTokens,
                    securityEvents, outbound, config.publicUrl(), secrets, consents, systemClock);
            Devices devices = new Devices(database.jdbi(), secrets, securityEvents, systemClock);
            LoginThrottle throttle = new LoginThrottle();
            AccessControl accessControl = new AccessControl(accounts, systemClock);

            ObjectMapper mapper = Json.newMapper();
            JsonBodies json = new JsonBodies(mapper);

            ReadingEvents readingEvents = new ReadingEvents(database.jdbi());
            readingEvents.listen(notifications);
            ReadingStore readingStore = new ReadingStore(database.jdbi(), userKeys, accountStore::timeZone, dataClock);
            readingStore.adoptV1Readings();
            Annotations annotations = new Annotations(database.jdbi(), userKeys, systemClock);
            Readings readings = new Readings(readingStore, dataClock, consents, readingEvents, database.jdbi(), mapper,
                    annotations);
            Sensors sensors = new Sensors(database.jdbi(), userKeys, systemClock);
            ReadingRoutes readingRoutes = new ReadingRoutes(readings, annotations, json);
            Pages pages = new Pages();
            PageContexts pageContexts = new PageContexts(id -> accounts.find(id).map(a ->
                    new PageContexts.Profile(a.label(), a.language(), a.unit())));
            HealthRoutes health = new HealthRoutes(database::isReachable);

            HttpServer http = HttpServer.start(
                    new HttpServer.Settings(config.host(), config.port(), config.maxRequestBytes(),
                            config.publicUrl().startsWith("https://")),
                    mapper, accessControl, new ErrorPage(pages, pageContexts), (Routes routes) -> {
                        health.register(routes);
                        StaticAssets.register(routes);
                        new AccountRoutes(accounts, sessions, apiTokens, devices, throttle, pages, pageContexts, json)
                                .register(routes);
                        readingRoutes.register(routes);
                        new GlucoseApiRoutes(sensors, annotations, json).register(routes);
                        new TodayPage(readings, annotations, accounts, pages, pageContexts).register(routes);
                        new HistoryPage(readings, annotations, accounts, pages, pageContexts).register(routes);
                        new OpenApiRoutes().register(routes);
                        new PrivacyRoutes(pages, pageContexts, consents, json).register(routes);
                        ReportRoutes.create(database.jdbi(), readings, accounts, pages, pageContexts).register(routes);
                        extraRoutes.accept(routes);
                    });
            Jobs jobs = Jobs.start(database.dataSource(), systemClock, List.of(
                    Jobs.daily("purge-expired-account-codes", accounts::purgeExpired),
                    Jobs.daily("purge-unlinked-devices", devices::purgeUnlinked),
                    Jobs.daily("purge-idempotency-keys", readings::purgeIdempotencyKeys),
                    new Jobs.Job("compact-glucose", java.time.Duration.ofHours(1), readingStore::compact)));
            notifications.start();
            log.info("mqcgm listening on {}:{}", config.host(), http.port());
            return new App(database, http, health, accounts, apiTokens, readings, devices, outbound, jobs,
                    List.of(readingRoutes, readingEvents, notifications), consents);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Applies migrations and exits (the {@code migrate} command). */
    public static int migrate(ServerConfig config) {
        try (Database database = Database.open(config.databaseUrl(), config.databaseUser(),
                config.databasePassword(), 2)) {
            return database.migrate();
        }
    }

    public int port() {
        return http.port();
    }

    public List<Routes.Route> routes() {
        return http.routes();
    }

    public Accounts accounts() {
        return accounts;
    }

    public ApiTokens apiTokens() {
        return apiTokens;
    }

    public Readings readings() {
        return readings;
    }

    public Optional<Database> database() {
        return Optional.of(database);
    }

    public Devices devices() {
        return devices;
    }

    public Jobs jobs() {
        return jobs;
    }

    public ConsentLedger consents() {
        return consents;
    }

    /** Graceful stop: readiness goes red, requests in flight finish, then the pool closes. */
    @Override
    public void close() {
        health.markStopping();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("while stopping: {}", org.mqcgm.server.platform.db.SafeErrors.describe(e));
            }
        }
        http.close();
        jobs.close();
        outbound.close();
        database.close();
        log.info("mqcgm stopped");
    }
}
