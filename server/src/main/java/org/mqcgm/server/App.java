package org.mqcgm.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.Optional;
import org.mqcgm.server.accounts.AccountsFeature;
import org.mqcgm.server.fhir.FhirFeature;
import org.mqcgm.server.accounts.Accounts;
import org.mqcgm.server.accounts.ApiTokens;
import org.mqcgm.server.accounts.Devices;
import org.mqcgm.server.cancellation.CancellationFeature;
import org.mqcgm.server.newsletter.NewsletterFeature;
import org.mqcgm.server.clinician.ClinicianFeature;
import org.mqcgm.server.community.CommunityFeature;
import org.mqcgm.server.alerts.AlertsFeature;
import org.mqcgm.server.crashes.CrashesFeature;
import org.mqcgm.server.glucose.GlucoseFeature;
import org.mqcgm.server.glucose.Readings;
import org.mqcgm.server.health.HealthRoutes;
import org.mqcgm.server.photos.PhotosFeature;
import org.mqcgm.server.logbook.LogbookFeature;
import org.mqcgm.server.nightscout.NightscoutFeature;
import org.mqcgm.server.platform.web.StaticAssets;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.db.Notifications;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.HttpServer;
import org.mqcgm.server.platform.http.Json;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.OpenApiRoutes;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.metrics.Metrics;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboxSender;
import org.mqcgm.server.platform.outbound.Sender;
import org.mqcgm.server.platform.outbound.SmtpSender;
import org.mqcgm.server.platform.security.AccessControl;
import org.mqcgm.server.platform.web.ErrorPage;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;
import org.mqcgm.server.privacy.ConsentLedger;
import org.mqcgm.server.privacy.PrivacyFeature;
import org.mqcgm.server.push.PushFeature;
import org.mqcgm.server.reports.ReportsFeature;
import org.mqcgm.server.rights.RightsFeature;
import org.mqcgm.server.sharing.SharingFeature;
import org.mqcgm.server.support.SupportFeature;
import org.mqcgm.server.transfers.TransfersFeature;
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
    private final List<Feature> features;
    private final AccountsFeature accounts;
    private final GlucoseFeature glucose;
    private final PrivacyFeature privacy;
    private final Notifications notifications;
    private final Outbound outbound;
    private final Jobs jobs;
    private final Metrics metrics;
    private final AccessControl accessControl;
    /** Alerting on automated attacks and unusual activity (issue 16, ASVS V11.1.8). */
    private final org.mqcgm.server.platform.security.SecurityAlerts securityAlerts;
    /** How this node drains at shutdown (several nodes behind a load balancer). */
    private final ServerConfig.Node node;

    private App(Database database, HttpServer http, HealthRoutes health, List<Feature> features,
                AccountsFeature accounts, GlucoseFeature glucose, PrivacyFeature privacy, Notifications notifications,
                Outbound outbound, Jobs jobs, Metrics metrics, AccessControl accessControl,
                org.mqcgm.server.platform.security.SecurityAlerts securityAlerts, ServerConfig.Node node) {
        this.securityAlerts = securityAlerts;
        this.node = node;
        this.metrics = metrics;
        this.accessControl = accessControl;
        this.database = database;
        this.http = http;
        this.health = health;
        this.features = features;
        this.accounts = accounts;
        this.glucose = glucose;
        this.privacy = privacy;
        this.notifications = notifications;
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
        // Residency first (PR-80, PR-82): a store declared in another region stops us before anything is opened.
        config.checkResidency();
        // The outbound clients' certificate revocation policy (V9.2.4), before the Vault client is made.
        org.mqcgm.server.platform.outbound.OutboundTls.configure(org.mqcgm.server.platform.outbound.OutboundTls
                .Revocation.parse(config.governance().get(org.mqcgm.server.platform.outbound.OutboundTls.SETTING)));
        // The key first: a wrong key file is a configuration error and must stop us before we touch the database.
        // Where it is (a file, a Vault transit key) and a previous one during a rotation: MQCGM_MASTER_KEY_URI,
        // MQCGM_MASTER_KEY_PREVIOUS_URI (issue 16).
        return start(config, MasterKey.configured(config.masterKeyFile()), dataClock, systemClock, extraRoutes);
    }

    /** Starts the server with the given master key (tests of the key's rotation and KMS). */
    public static App start(ServerConfig config, MasterKey masterKey, Clock dataClock, Clock systemClock,
                            java.util.function.Consumer<Routes> extraRoutes) {
        config.checkResidency();

        Database database = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(),
                config.databasePoolSize());
        Metrics metrics = Metrics.start(config.metrics());
        try {
            database.measureWith(metrics.registry());
            int migrations = database.migrate();
            if (migrations > 0) {
                log.info("applied {} database migrations", migrations);
            }

            // The platform: shared services that know no feature.
            Notifications notifications = new Notifications(database.dataSource());
            // Every wrapped record's key must be configured (an unfinished rotation stops the start here).
            org.mqcgm.server.platform.crypto.KeyRotation.checkAtStart(database.jdbi(), masterKey);
            UserKeys userKeys = new UserKeys(database.jdbi(), masterKey);
            userKeys.listen(notifications);
            DeploymentSecrets secrets = DeploymentSecrets.loadOrCreate(database.jdbi(), masterKey);
            // A version added or retired by 'mqcgm keys rotate-deployment-secret' is taken up at once (issue 16).
            secrets.listen(notifications);
            // The file outbox keeps messages encrypted and deletes them after MQCGM_OUTBOX_KEEP_MINUTES (issue 16).
            OutboxSender outbox = new OutboxSender(config.outboxDirectory(), systemClock, secrets.aead("outbox"),
                    OutboxSender.keep(System.getenv()));
            outbox.purgeExpired();
            // Every e-mail ends with the controller's contact (PR-89).
            Sender email = new org.mqcgm.server.platform.outbound.ContactFooter(
                    config.smtp() == null ? outbox : smtp(config.smtp()), config.controller(),
                    config.publicUrl() + "/privacy");
            if (config.smtp() == null) {
                log.warn("no SMTP server configured (MQCGM_SMTP_HOST): e-mails are written to {}",
                        config.outboxDirectory().toAbsolutePath());
            }
            // Transfers may reach loopback over http only where a developer or a test says so (never in production):
            // MQCGM_TRANSFERS_ALLOW_LOOPBACK_HTTP.
            Outbound outbound = new Outbound(email, outbox, config.transfersAllowLoopbackHttp());
            // The one egress gateway (PR-43): mail, transfers and push go through it; the operator's declared
            // recipients are its registry (a recipient whose purposes changed is suspended until people agree again).
            org.mqcgm.server.platform.egress.Egress egress = new org.mqcgm.server.platform.egress.Egress(
                    database.jdbi(), config.residency(), outbound.http(), systemClock, metrics.registry(), secrets);
            egress.declare(config.residency().recipients());
            outbound.through(egress);
            List<org.mqcgm.server.platform.egress.Residency.Store> stores = config.residency().inventory(
                    config.databaseUrl().replaceFirst("\\?.*", ""), config.outboxDirectory().toAbsolutePath().toString(),
                    config.deletionLedger().toAbsolutePath().toString());
            for (org.mqcgm.server.platform.egress.Residency.Store store : stores) {
                log.info("storage inventory: {} at {} in region {}", store.name(), store.location(),
                        store.region(config.residency().region()));
            }
            ObjectMapper mapper = Json.newMapper();
            JsonBodies json = new JsonBodies(mapper);
            PrivacyFeature privacy = PrivacyFeature.create(database.jdbi(), systemClock, notifications, json,
                    config.controller());
            Platform platform = new Platform(database.jdbi(), database.dataSource(), userKeys, secrets,
                    notifications, mapper, json, privacy.consents(), outbound, dataClock, systemClock,
                    metrics.registry(), new ClientAddress(config.clientAddress()));

            // The features, each built from the platform and the narrow ports of the features before it.
            // Accounts open support tickets (a reported compromise, a review of a lockout); support is built later.
            java.util.concurrent.atomic.AtomicReference<org.mqcgm.server.platform.support.Tickets> ticketsRef =
                    new java.util.concurrent.atomic.AtomicReference<>(org.mqcgm.server.platform.support.Tickets.NONE);
            AccountsFeature accounts = AccountsFeature.create(platform, new AccountsFeature.Settings(
                    config.argon2(), config.sessionIdle(), config.sessionAbsolute(), config.publicUrl()),
                    new org.mqcgm.server.platform.support.Tickets() {
                        @Override
                        public java.util.UUID openPriority(java.util.UUID owner, String subject, String message) {
                            return ticketsRef.get().openPriority(owner, subject, message);
                        }

                        @Override
                        public java.util.UUID openReview(java.util.UUID owner, String subject, String decision) {
                            return ticketsRef.get().openReview(owner, subject, decision);
                        }

                        @Override
                        public java.util.UUID openReview(java.util.UUID owner, String subject, String decision,
                                org.mqcgm.server.platform.support.AutomatedDecision reviewed) {
                            return ticketsRef.get().openReview(owner, subject, decision, reviewed);
                        }

                        @Override
                        public List<org.mqcgm.server.platform.support.HumanReview> reviews(java.util.UUID owner) {
                            return ticketsRef.get().reviews(owner);
                        }
                    });
            // A follower sees the photos of the check-ins inside their window (the logbook, built next, answers).
            java.util.concurrent.atomic.AtomicReference<LogbookFeature> logbookRef =
                    new java.util.concurrent.atomic.AtomicReference<>();
            PhotosFeature photos = PhotosFeature.create(platform, (owner, photo, from) -> logbookRef.get() != null
                    && logbookRef.get().checkinTimes().attachedSince(owner, photo, from),
                    PhotosFeature.Quota.from(config.governance())); // issue 16: per-person photo quota (V12.1.3)
            // The logbook warns before saving contact details when the logbook is shared; sharing is built later.
            java.util.concurrent.atomic.AtomicReference<SharingFeature> sharingRef =
                    new java.util.concurrent.atomic.AtomicReference<>();
            LogbookFeature logbook = LogbookFeature.create(platform, photos.photos(), person -> sharingRef.get() != null
                    && sharingRef.get().sharesWithSomeone(person, org.mqcgm.server.platform.security.ShareScope.LOGBOOK));
            logbookRef.set(logbook);
            GlucoseFeature glucose = GlucoseFeature.create(platform, accounts.timeZones(),
                    accounts.reconfirmation(), logbook.marks(), GlucoseFeature.uploadSettings(config.governance()));
            ReportsFeature reports = ReportsFeature.create(platform, glucose.readings()::forStatistics,
                    logbook.marks());
            FhirFeature fhir = FhirFeature.create(platform, accounts.profiles(), glucose.readings().store()::range,
                    glucose.readings()::forStatistics, new FhirFeature.ReadingSpan() {
                        @Override
                        public Optional<java.time.Instant> oldest(java.util.UUID owner) {
                            return glucose.readings().store().oldestTime(owner);
                        }

                        @Override
                        public Optional<java.time.Instant> newest(java.util.UUID owner) {
                            return glucose.readings().store().newestTime(owner);
                        }
                    }, reports.agpPdfs()::render);
            // Minors (the guardians feature, built last): no public posts, no third-party transfers (PR-78).
            java.util.concurrent.atomic.AtomicReference<org.mqcgm.server.guardians.GuardiansFeature> guardiansRef =
                    new java.util.concurrent.atomic.AtomicReference<>();
            java.util.function.Predicate<UUID> minor = person -> guardiansRef.get() != null
                    && guardiansRef.get().minors().isMinor(person);
            TransfersFeature transfers = TransfersFeature.create(platform, accounts.reconfirmation(),
                    fhir.cgmData(), minor);
            CancellationFeature cancellation = CancellationFeature.create(platform, accounts.closure(),
                    accounts.reconfirmation(), config.deletionLedger());
            ClinicianFeature clinician = ClinicianFeature.create(platform, new ClinicianFeature.Settings(
                    config.publicUrl(), config.argon2()), reports.sharedReports()::page, reports.sharedReports()::pdf);
            // Customer service: agents read a person's readings only under a grant the person approved; a lockout
            // an agent overturns on review ends through accounts' port (PR-72).
            SupportFeature support = SupportFeature.create(platform, photos.photos(),
                    glucose.readings().store()::range, config.supportPhone(), accounts.decisionOverrides());
            ticketsRef.set(support.tickets());
            // A reported compromise also ends the person's clinician links (PR-59).
            accounts.accounts().onCompromise(clinician::endAllLinks);
            // Disclosures without consent (PR-31, PR-34, PR-45): exports are files for the operator to hand over,
            // written beside the outbox; people are told through accounts' contact and see them in "Who saw my data".
            org.mqcgm.server.disclosures.DisclosuresFeature disclosures =
                    org.mqcgm.server.disclosures.DisclosuresFeature.create(platform, accounts.profiles()::of,
                            glucose.readings().store()::range, accounts.closure()::contact,
                            new org.mqcgm.server.disclosures.DisclosuresFeature.Settings(
                                    config.outboxDirectory().toAbsolutePath().resolveSibling("disclosures")));
            SharingFeature sharing = SharingFeature.create(platform, accounts.profiles(),
                    person -> glucose.readings().store().latest(person,
                            dataClock.instant().plus(java.time.Duration.ofMinutes(5))),
                    () -> List.of(clinician.readLog(), support.readLog(), disclosures.readLog()),
                    new SharingFeature.Settings(config.publicUrl(), config.maxFollowers()));
            sharingRef.set(sharing);
            CommunityFeature community = CommunityFeature.create(platform, photos.photos(),
                    // a post for "followers" is for the people the author shares their data with
                    (author, viewer) -> sharing.grants().active(author, viewer).isPresent(), logbook.search(),
                    reports.snapshots(accounts.timeZones()), minor);
            CrashesFeature crashes = CrashesFeature.create(platform);
            // Web Push: the deployment's VAPID key from the deployment secrets; subscriptions end with the credential
            // or device that made them (accounts answer). Alerts send through push.notifications().
            PushFeature push = PushFeature.create(platform, new PushFeature.Settings(
                    org.mqcgm.server.platform.crypto.VapidKeys.loadOrCreate(database.jdbi(), masterKey),
                    config.push().allowLoopbackHttp(), config.push().allowedHosts(), config.push().contact()),
                    accounts.pushBindings());
            // Alerts run on ingest (glucose tells them after an upload committed) and escalate to the followers
            // who share alerts; push delivers their notifications.
            AlertsFeature alerts = AlertsFeature.create(platform, accounts.profiles(),
                    glucose.readings().store()::range,
                    person -> sharing.followersSharing(person, org.mqcgm.server.platform.security.ShareScope.ALERTS),
                    glucose::sensorSessionEnd, push.notifications());
            if (config.alertsOnIngest()) { // false only in the alerts-off arm of AlertPathBenchmark
                glucose.afterReadingsStored(alerts.ingestListener());
            }
            NightscoutFeature nightscout = NightscoutFeature.create(platform,
                    new NightscoutFeature.Settings(config.publicUrl()), new NightscoutFeature.Glucose() {
                        @Override
                        public int store(UUID owner, List<org.mqcgm.core.glucose.Reading> readings) {
                            return glucose.readings().store(owner, readings);
                        }

                        @Override
                        public List<org.mqcgm.core.glucose.Reading> range(UUID owner, java.time.Instant from,
                                                                           java.time.Instant to) {
                            return glucose.readings().store().range(owner, from, to);
                        }

                        @Override
                        public java.util.Optional<org.mqcgm.core.glucose.Reading> latest(UUID owner,
                                                                                         java.time.Instant notAfter) {
                            return glucose.readings().store().latest(owner, notAfter);
                        }

                        @Override
                        public int delete(UUID owner, java.time.Instant from, java.time.Instant to) {
                            return glucose.readings().store().deleteRange(owner, from, to).readings();
                        }
                    }, logbook.entries(), accounts.profiles());
            // Imports store through the glucose ingest path (dedupe, live Today page, alerts) and read what is stored;
            // a file's meals, insulin and meter readings go to the logbook through its port.
            org.mqcgm.server.imports.ImportsFeature imports = org.mqcgm.server.imports.ImportsFeature.create(platform,
                    accounts.timeZones(), glucose.readings()::store, glucose.readings().store()::range,
                    logbook.entries());
            // Security incidents: who is affected (accounts answer), their addresses, and push for the notices.
            org.mqcgm.server.incidents.IncidentsFeature incidents = org.mqcgm.server.incidents.IncidentsFeature
                    .create(platform, accounts.directory(), accounts.closure()::contact, push.notifications(),
                            config.publicUrl());
            // Where data is kept and who receives it: third parties, each person's choices and egress log, feeds.
            org.mqcgm.server.egress.EgressFeature egressFeature = org.mqcgm.server.egress.EgressFeature.create(
                    platform, glucose.readings().store()::range, stores);
            // The rights desk (PR-61, PR-73 – PR-76): finds accounts and their registered contact through accounts'
            // closure port; the regulator and the desk's address come from MQCGM_REGULATOR_* and MQCGM_DPO_EMAIL
            // (environment or --config file).
            org.mqcgm.server.requests.RequestsFeature requests = org.mqcgm.server.requests.RequestsFeature.create(
                    platform, accounts.closure(),
                    org.mqcgm.server.requests.RequestsFeature.Settings.from(config.governance()), config.publicUrl());
            // A change of controller (PR-51): the policy's freeze from privacy, every active account and its
            // addresses from accounts, push for the notices, and the cancellation path for the accounts deleted.
            org.mqcgm.server.handover.ControllerChangeFeature handover =
                    org.mqcgm.server.handover.ControllerChangeFeature.create(platform,
                            PrivacyFeature.policyFreeze(database.jdbi(), systemClock), accounts.directory(),
                            accounts.closure()::contact, push.notifications(), cancellation.closeOnBehalf(),
                            config.publicUrl());
            HealthRoutes health = new HealthRoutes(database::isReachable);
            // Rights asks every feature (itself included) what it holds about a person; the list is complete only
            // after it is built, so it gets the list through a reference set right below.
            java.util.concurrent.atomic.AtomicReference<List<Feature>> all =
                    new java.util.concurrent.atomic.AtomicReference<>(List.of());
            RightsFeature rights = RightsFeature.create(platform, accounts.reconfirmation(),
                    () -> all.get().stream().flatMap(f -> f.personalData().stream()).toList());
            // Minors and guardians (PR-77 – PR-79): dates of birth from accounts, a guardian's verified consent,
            // holds on health data that access control asks, reports of children's accounts reviewed on a ticket.
            org.mqcgm.server.guardians.GuardiansFeature guardians =
                    org.mqcgm.server.guardians.GuardiansFeature.create(platform,
                            new org.mqcgm.server.guardians.GuardiansFeature.Settings(
                                    ServerConfig.ageOfMajority(config.governance()), config.publicUrl()),
                            accounts.closure(), AccountsFeature::normalisedLogin, accounts.timeZones(),
                            cancellation.closeOnBehalf(), support.tickets(), rights::writeArchive);
            guardiansRef.set(guardians);
            accounts.birthDates(guardians.birthDates());
            // Retention (PR-54, PR-81, PR-30, PR-35): the daily job deletes every feature's expired rows through
            // their expiries (the list is complete once every feature is built); inactive accounts go through the
            // cancellation path; research exports read accounts and readings. Minors are never research subjects.
            org.mqcgm.server.retention.RetentionFeature.Settings retentionSettings;
            try {
                retentionSettings = org.mqcgm.server.retention.RetentionFeature.Settings.from(config.governance());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("MQCGM_RETENTION_*", e.getMessage());
            }
            if (retentionSettings.logDirectory() != null) {
                org.mqcgm.server.platform.logging.LogFiles.install(retentionSettings.logDirectory());
            }
            org.mqcgm.server.retention.RetentionFeature retention = org.mqcgm.server.retention.RetentionFeature.create(
                    platform, retentionSettings,
                    () -> all.get().stream().flatMap(f -> f.expiries().stream()).toList(), accounts.inactivity(),
                    glucose.readings().store()::newestTime, accounts.closure(),
                    cancellation.inactivityCancellation(),
                    AccountsFeature.researchSubjects(database.jdbi(), GlucoseFeature.researchReadings(database.jdbi(),
                            userKeys)),
                    minor);
            // The record of processing (PR-02): the purposes, the recipients the gateway enforces and the retention
            // the retention job enforces.
            org.mqcgm.server.platform.egress.Recipients registry = egressFeature.recipients();
            org.mqcgm.server.transparency.TransparencyFeature transparency =
                    org.mqcgm.server.transparency.TransparencyFeature.create(platform, config.controller(),
                            purpose -> registry.forPurpose(purpose.id()).stream()
                                    .map(r -> new org.mqcgm.server.transparency.TransparencyFeature.Recipient(r.id(),
                                            r.name(), String.join(", ", r.purposes()), r.country()))
                                    .toList(),
                            org.mqcgm.server.transparency.TransparencyFeature.retention(retentionSettings.schedule()));
            // The newsletter (opt-in): issues go to the people subscribed at sending time, by e-mail (PR-38, PR-39).
            NewsletterFeature newsletter = NewsletterFeature.create(platform, accounts.closure()::contact,
                    config.publicUrl());
            newsletter.minors(minor);
            egressFeature.minors(minor);
            privacy.minors(minor); // a minor grants no consent themselves: the guardian decides (PR-78)
            List<Feature> features = List.of(health, accounts, privacy, glucose, reports, fhir, transfers, rights,
                    cancellation, photos, sharing, logbook, clinician, community, crashes, alerts, push, support,
                    nightscout, imports, retention, incidents, egressFeature, disclosures, requests, newsletter,
                    transparency, guardians, handover);
            all.set(features);

            // An unread incident notice comes before the policy's notice; visitors see a public announcement.
            org.mqcgm.server.platform.web.Notices incidentNotices = incidents.notices();
            org.mqcgm.server.platform.web.Notices policyNotices = privacy.notices();
            org.mqcgm.server.platform.web.Notices handoverNotices = handover.notices();
            Web web = new Web(new Pages(), new PageContexts(accounts.profiles(),
                    (ctx, profile, msg) -> incidentNotices.of(ctx, profile, msg)
                            .or(() -> handoverNotices.of(ctx, profile, msg))
                            .or(() -> policyNotices.of(ctx, profile, msg)),
                    privacy.consents(), incidents.announcements(), config.controller()), accounts.profiles());
            AccessControl accessControl = new AccessControl(accounts.authenticator(), privacy.consents(),
                    sharing.grants(), systemClock);
            accessControl.linkTokens(clinician.linkTokens());
            accessControl.supportGrants(support.grants());
            accessControl.nightscout(nightscout.auth());
            accessControl.holds(guardiansRef.get().holds());
            accessControl.closeStreamsWhenCredentialsChange(notifications);
            // Request limits of expensive and public routes (issue 16), counted in the database across nodes.
            accessControl.rateLimits(new org.mqcgm.server.platform.security.RateLimits(database.jdbi(), systemClock,
                    config.rateLimits(), metrics.registry(), platform.clientAddress(), secrets));
            HttpServer http = HttpServer.start(
                    new HttpServer.Settings(config.host(), config.port(), config.maxRequestBytes(),
                            config.publicUrl().startsWith("https://"), metrics::request, config.acceptQueue(),
                            platform.clientAddress()),
                    mapper, accessControl, new ErrorPage(web.pages(), web.contexts()), (Routes routes) -> {
                        routes.before(ctx -> org.mqcgm.server.platform.security.RequestSecurityLog.remember(ctx,
                                platform.clientAddress()));
                        StaticAssets.register(routes);
                        new OpenApiRoutes().register(routes);
                        features.forEach(f -> f.routes(routes, web));
                        extraRoutes.accept(routes);
                    });
            ServerConfig.Node node = ServerConfig.node(config.governance());
            Jobs jobs = Jobs.start(database.dataSource(), systemClock,
                    features.stream().flatMap(f -> f.jobs().stream()).toList(), metrics::job, node.jobsPolling());
            notifications.start();
            // Security events counted across nodes; the operator is e-mailed when a threshold is reached (V11.1.8).
            org.mqcgm.server.platform.security.SecurityAlerts securityAlerts =
                    org.mqcgm.server.platform.security.SecurityAlerts.start(database.jdbi(), systemClock,
                            org.mqcgm.server.platform.security.SecurityAlerts.Settings.parse(config.governance()),
                            config.controller().email(), metrics.registry(), outbound, config.publicUrl());
            log.info("mqcgm listening on {}:{}", config.host(), http.port());
            return new App(database, http, health, features, accounts, glucose, privacy, notifications, outbound,
                    jobs, metrics, accessControl, securityAlerts, node);
        } catch (RuntimeException e) {
            database.close();
            metrics.close();
            throw e;
        }
    }

    /** Applies migrations and exits (the {@code migrate} command). */
    public static int migrate(ServerConfig config) {
        return migrate(config, null);
    }

    /**
     * Applies migrations under {@code migrationLogin} (the schema owner; {@code null}: the runtime role of the
     * configuration) and, when that is another role than the runtime one, grants the runtime role the rights to read
     * and write rows but not to change the schema ({@code docs/deployment.md}).
     */
    public static int migrate(ServerConfig config, org.mqcgm.server.platform.db.MigrationLogin migrationLogin) {
        String user = migrationLogin == null ? config.databaseUser() : migrationLogin.user();
        String password = migrationLogin == null ? config.databasePassword() : migrationLogin.password();
        try (Database database = Database.open(config.databaseUrl(), user, password, 2)) {
            int n = database.migrate();
            if (!user.equals(config.databaseUser())) {
                database.grantDataAccess(config.databaseUser());
            }
            return n;
        }
    }

    public int port() {
        return http.port();
    }

    public List<Routes.Route> routes() {
        return http.routes();
    }

    public Accounts accounts() {
        return accounts.accounts();
    }

    public ApiTokens apiTokens() {
        return accounts.apiTokens();
    }

    public Readings readings() {
        return glucose.readings();
    }

    public Optional<Database> database() {
        return Optional.of(database);
    }

    public Devices devices() {
        return accounts.devices();
    }

    /**
     * Checks every open event stream's credential and consents now, as the periodic check does every
     * 30 seconds (tests move the clock past a session's end and call this instead of waiting).
     */
    public void recheckStreams() {
        accessControl.recheckAll();
    }

    /** Operators' metrics (the exporter's port when it is on). */
    public Metrics metrics() {
        return metrics;
    }

    public Jobs jobs() {
        return jobs;
    }

    /** The file outbox (SMS, and e-mail without SMTP): its messages decrypted, for the demo's page and tests. */
    public OutboxSender outbox() {
        return outbound.outbox().orElseThrow(() -> new IllegalStateException("no file outbox"));
    }

    /** The feature of this type in the list (tests reach a feature's ports through it). */
    public <F extends Feature> F feature(Class<F> type) {
        return features.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    public ConsentLedger consents() {
        return privacy.ledger();
    }

    /** The archive of privacy-policy versions (publishing, the current version). */
    public org.mqcgm.server.privacy.PolicyVersions policyVersions() {
        return privacy.policyVersions();
    }

    /**
     * Graceful stop (SIGTERM), a drain for a node behind a load balancer: readiness goes red (and stays so for
     * {@code MQCGM_DRAIN_NOTICE_SECONDS}, so the balancer moves away first); every open event stream ends with a
     * {@code retry:} hint, so clients reconnect through the balancer to another node; the listener closes (new
     * connections are refused) while requests in flight finish, for at most {@code MQCGM_DRAIN_SECONDS}; then the
     * features, the notification listener, the jobs and the pool stop.
     */
    @Override
    public void close() {
        health.markStopping();
        if (!node.drainNotice().isZero()) {
            log.info("draining: not ready; waiting {} s for the load balancer to notice",
                    node.drainNotice().toSeconds());
            try {
                Thread.sleep(node.drainNotice().toMillis()); // the balancer's health checks need this time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        accessControl.close();
        int streams = accessControl.drainStreams();
        log.info("draining: {} event streams ended with a retry hint; finishing requests in flight (at most {} s)",
                streams, node.drainGrace().toSeconds());
        http.close(node.drainGrace(), node.drainIdle());
        securityAlerts.close();
        for (Feature f : features.reversed()) {
            try {
                f.close();
            } catch (RuntimeException e) {
                log.warn("while stopping: {}", org.mqcgm.server.platform.db.SafeErrors.describe(e));
            }
        }
        notifications.close();
        jobs.close();
        outbound.close();
        database.close();
        metrics.close();
        log.info("mqcgm stopped");
    }
}
