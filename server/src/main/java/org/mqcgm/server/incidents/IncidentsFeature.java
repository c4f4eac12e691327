package org.mqcgm.server.incidents;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.push.PushNotifications;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.security.AccountDirectory;
import org.mqcgm.server.platform.web.Announcements;
import org.mqcgm.server.platform.web.Notices;

/**
 * Security incidents and security reports (PR-56, PR-57, PR-58). Operators record an incident — what happened, the
 * data categories and people affected, the likely impact, the measures taken, advice, remedies and a contact, its
 * confirmation, and whether and when it was reported to the regulator — through {@code mqcgm admin incident} or the
 * admin API; every step is kept with its time. Sending is refused until every section is set; then each affected
 * person gets an e-mail (or SMS), a push notification and an in-app notice, each tracked. People no channel reached
 * 48 hours later make the incident announced publicly (a banner on the login page and {@code /security-notices}).
 * Impact assessments and risk reports are published on {@code /privacy/security-reports}.
 */
public final class IncidentsFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /** The job that sends asked-for notices (those asked from the command line go out with it). */
    public static final String DISPATCH_JOB = "dispatch-incident-notices";
    /** The job that announces incidents with people unreached after 48 hours. */
    public static final String ANNOUNCE_JOB = "announce-unreached-incidents";

    private final IncidentRegister register;
    private final Notifier notifier;
    private final SecurityReports reports;
    private final IncidentRoutes routes;
    private final ExecutorService background;
    private volatile Cached announced = new Cached(java.time.Instant.MIN, false);

    private record Cached(java.time.Instant at, boolean any) {
    }

    private IncidentsFeature(IncidentRegister register, Notifier notifier, SecurityReports reports,
                             IncidentRoutes routes, ExecutorService background) {
        this.register = register;
        this.notifier = notifier;
        this.reports = reports;
        this.routes = routes;
        this.background = background;
    }

    /**
     * @param directory  the accounts (every active one, those active in a period)
     * @param contacts   a person's addresses and language
     * @param push       push notifications to a person's devices
     * @param publicUrl  the deployment's address, for "read it at …" in messages
     */
    public static IncidentsFeature create(Platform platform, AccountDirectory directory,
                                          java.util.function.Function<UUID, Optional<AccountClosure.Contact>> contacts,
                                          PushNotifications push, String publicUrl) {
        IncidentRegister register = new IncidentRegister(platform.jdbi(), platform.systemClock());
        Notifier notifier = new Notifier(platform.jdbi(), register, directory, contacts, platform.outbound(), push,
                publicUrl);
        SecurityReports reports = new SecurityReports(platform.jdbi(), platform.systemClock());
        ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
        IncidentsFeature feature = new IncidentsFeature(register, notifier, reports, new IncidentRoutes(register,
                notifier, reports, platform.json(), background), background);
        feature.expiries = List.of(new org.mqcgm.server.platform.retention.SqlExpiry("incident-deliveries",
                platform.jdbi(), "incident_delivery", "updated_at", "owner_id", "status <> 'pending'"));
        return feature;
    }

    /** Delivery records are kept three years after their last step (retention category incident-deliveries). */
    private List<org.mqcgm.server.platform.retention.Expiry> expiries = List.of();

    @Override
    public List<org.mqcgm.server.platform.retention.Expiry> expiries() {
        return expiries;
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes, web);
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(new Jobs.Job(DISPATCH_JOB, Duration.ofMinutes(1), notifier::dispatchPending),
                new Jobs.Job(ANNOUNCE_JOB, Duration.ofMinutes(15), notifier::announceUnreachable));
    }

    /** The banner of a signed-in person with an incident notice not read yet. */
    public Notices notices() {
        return (ctx, profile, msg) -> notifier.hasUnseen(profile.id())
                ? Optional.of(new Notices.Notice(msg.t("incidents.banner"), "/notices", msg.t("incidents.read")))
                : Optional.empty();
    }

    /** The public banner (login page, every page of visitors) while an incident is announced publicly. */
    public Announcements announcements() {
        return (ctx, msg) -> {
            Cached c = announced;
            java.time.Instant now = register.clock().instant();
            if (c.at().isBefore(now.minusSeconds(10)) || c.at().isAfter(now)) {
                c = new Cached(now, register.announced().stream()
                        .anyMatch(i -> i.announcedAt().isAfter(now.minus(Duration.ofDays(90)))));
                announced = c;
            }
            return c.any() ? Optional.of(new Notices.Notice(msg.t("incidents.public.banner"), "/security-notices",
                    msg.t("incidents.read"))) : Optional.empty();
        };
    }

    /** The register (tests). */
    IncidentRegister register() {
        return register;
    }

    /** The reports (tests). */
    SecurityReports reports() {
        return reports;
    }

    @Override
    public void close() {
        background.shutdown();
        try {
            background.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
