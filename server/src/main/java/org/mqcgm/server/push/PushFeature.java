package org.mqcgm.server.push;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.crypto.VapidKeys;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.outbound.HttpTransfers;
import org.mqcgm.server.platform.outbound.WebPush;
import org.mqcgm.server.platform.push.PushBindings;
import org.mqcgm.server.platform.push.PushNotifications;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.security.Authenticator;

/**
 * Standard Web Push, no vendor SDK (issue 13, PR-12, PR-13): browsers' subscriptions ({@code /api/v1/push/*}), the
 * {@link PushNotifications} port other features send through ({@link #notifications()}), background delivery with
 * retries, and the delivery log each person sees. Subscriptions end with the credential or device that made them
 * (on {@link Authenticator#CREDENTIALS_CHANGED}, and checked again before every attempt).
 */
public final class PushFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /**
     * @param vapid             the deployment's VAPID key pair (kept in the deployment secrets)
     * @param allowLoopbackHttp endpoints on this machine's loopback over plain http (demo, tests; never production)
     * @param allowedHosts      when not empty, the only push service hosts accepted
     * @param contact           the operator's {@code mailto:} or https contact in VAPID tokens
     */
    public record Settings(VapidKeys vapid, boolean allowLoopbackHttp, List<String> allowedHosts, String contact) {
    }

    /**
     * Ends every push subscription of the deployment (their rows and pending deliveries): what replacing the VAPID
     * key requires ({@code mqcgm keys rotate-vapid-key}), since each browser subscription is bound to the old public
     * key; each person turns notifications on again on their devices. Returns how many ended.
     */
    public static int endAllSubscriptions(org.jdbi.v3.core.Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createUpdate("delete from push_subscription").execute());
    }

    private final Platform platform;
    private final Subscriptions subscriptions;
    private final Deliveries deliveries;
    private final PushRoutes routes;
    private final PushBindings bindings;
    private final ExecutorService pruner = Executors.newVirtualThreadPerTaskExecutor();

    private PushFeature(Platform platform, Subscriptions subscriptions, Deliveries deliveries, PushRoutes routes,
                        PushBindings bindings) {
        this.platform = platform;
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.routes = routes;
        this.bindings = bindings;
    }

    /**
     * @param bindings what subscriptions are tied to (the accounts feature answers)
     */
    public static PushFeature create(Platform platform, Settings settings, PushBindings bindings) {
        WebPush webPush = new WebPush(HttpTransfers.forPush(settings.allowLoopbackHttp(), settings.allowedHosts()),
                settings.vapid(), settings.contact(), platform.systemClock());
        Subscriptions subscriptions = new Subscriptions(platform.jdbi(), platform.userKeys(), platform.secrets(),
                platform.mapper(), platform.systemClock());
        Deliveries deliveries = new Deliveries(platform.jdbi(), platform.userKeys(), platform.mapper(), subscriptions,
                bindings, webPush, platform.outbound().egress(), platform.systemClock());
        PushFeature feature = new PushFeature(platform, subscriptions, deliveries,
                new PushRoutes(subscriptions, deliveries, webPush, bindings, platform.json()), bindings);
        // A logout, a revoked token, a closed account, a removed device or a rotated alias: its subscriptions end.
        platform.notifications().on(Authenticator.CREDENTIALS_CHANGED, feature::prune, () -> {
        });
        // What was queued before a restart goes out now, not at the job's next run.
        deliveries.kick();
        return feature;
    }

    private void prune(String owner) {
        UUID id;
        try {
            id = UUID.fromString(owner);
        } catch (IllegalArgumentException e) {
            return;
        }
        try {
            pruner.execute(() -> subscriptions.prune(id, bindings));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // shutting down: every attempt checks the bindings again
        }
    }

    /** Sending notifications to a person's subscribed browsers and apps (the port alerts use). */
    public PushNotifications notifications() {
        return deliveries;
    }

    /** Attempts every message due now (the job does this each minute; tests call it after moving the clock). */
    public int deliverDue() {
        return deliveries.deliverDue();
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes, web);
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(new Jobs.Job("push-delivery", Duration.ofMinutes(1), deliveries::deliverDue),
                Jobs.daily("push-delivery-log-purge", deliveries::purgeLog));
    }

    /** The person's push subscriptions and delivery log. */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(new Category("push-subscriptions", subscriptions.count(owner),
                                "sending alerts to your browsers and apps (Web Push)", "you",
                                "this server's PostgreSQL database, encrypted with your key"),
                        new Category("push-deliveries", deliveries.logCount(owner),
                                "showing you when notifications reached a push service (no content)", "this server",
                                "this server's PostgreSQL database, kept 90 days"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                archive.json(platform.mapper(), "push-subscriptions.json", "Your push subscriptions: the push "
                        + "service's host, when you subscribed. JSON array.", subscriptions.list(owner));
                archive.json(platform.mapper(), "push-deliveries.json", "Each attempt to hand a notification to a "
                        + "push service: when, which service, the outcome and its HTTP status. No content. JSON array.",
                        deliveries.log(owner, Integer.MAX_VALUE));
            }
        });
    }

    @Override
    public void close() {
        pruner.shutdown();
        deliveries.close();
    }
}
