package org.mqcgm.server.cancellation;

import io.micrometer.core.instrument.Gauge;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.security.Reconfirmation;

/**
 * The account-cancellation feature (PR-68, PR-87, PR-88): Settings → Delete account, {@code POST
 * /api/v1/me/cancellation}, the erasure job that completes every cancellation within 24 hours (it runs every 20
 * seconds on one node at a time), its gauges and alarm, and the deletion ledger that restores replay (PR-65).
 * Reaches the accounts feature only through its {@link AccountClosure} and {@link Reconfirmation} ports.
 */
public final class CancellationFeature implements Feature {

    /** The JSON of the API, by its component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /** The erasure job's name (operators and tests can run it at once through {@code Jobs.runNow}). */
    public static final String JOB = "erase-cancelled-accounts";
    /** How often the erasure job runs: with the scheduler's 30-second polling, a cancellation waits under a minute. */
    static final Duration EVERY = Duration.ofSeconds(20);

    private final Cancellations cancellations;
    private final Reconfirmation reconfirmation;
    private final Platform platform;

    private CancellationFeature(Platform platform, Cancellations cancellations, Reconfirmation reconfirmation) {
        this.platform = platform;
        this.cancellations = cancellations;
        this.reconfirmation = reconfirmation;
    }

    /**
     * @param accounts       closing and erasing accounts (the accounts feature's port)
     * @param reconfirmation the password (and code) check before cancelling (the accounts feature's port)
     * @param ledger         the deletion ledger file, outside the database ({@code MQCGM_DELETION_LEDGER})
     */
    public static CancellationFeature create(Platform platform, AccountClosure accounts, Reconfirmation reconfirmation,
                                             Path ledger) {
        Cancellations cancellations = new Cancellations(platform.jdbi(), platform.userKeys(), accounts,
                new DeletionLedger(ledger), new CancellationMail(platform.outbound()), platform.systemClock(),
                platform.consents());
        Gauge.builder("mqcgm.cancellations.oldest.pending", cancellations, Cancellations::oldestPendingSeconds)
                .baseUnit("seconds")
                .description("age of the oldest account cancellation waiting for erasure (the promise is 24 h)")
                .register(platform.meters());
        Gauge.builder("mqcgm.cancellations.overdue", cancellations, Cancellations::overdue)
                .description("account cancellations waiting longer than 20 h (alarm when above 0)")
                .register(platform.meters());
        return new CancellationFeature(platform, cancellations, reconfirmation);
    }

    @Override
    public void routes(Routes routes, Web web) {
        new CancellationRoutes(cancellations, reconfirmation, platform.json(), web).register(routes);
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(new Jobs.Job(JOB, EVERY, cancellations::eraseDue));
    }

    /**
     * Cancels an account its owner stopped using (PR-30, A-02: no sign-in or upload for the configured period and
     * the notice period passed): closed at once and erased by the erasure job like every cancellation, with the
     * reason kept until then. The retention feature calls it.
     */
    public java.util.function.BiConsumer<UUID, String> inactivityCancellation() {
        return (owner, reason) -> cancellations.request(owner, Cancellations.Channel.OPERATOR, reason);
    }

    /**
     * Closing an account on someone's behalf and queueing its erasure, as an operator's cancellation: a guardian's
     * withdrawal of consent, a confirmed report of a child's account (the guardians feature, PR-78, PR-79). The
     * erasure job completes it within 24 hours (in practice within a minute).
     */
    public java.util.function.BiConsumer<UUID, String> closeOnBehalf() {
        return (owner, reason) -> cancellations.request(owner, Cancellations.Channel.OPERATOR, reason);
    }

    /** Whether an account waits for its erasure (tests, operators). */
    public boolean pending(UUID account) {
        return cancellations.pending(account);
    }
}
