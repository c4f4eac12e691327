package org.mqcgm.server.handover;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.consent.PolicyFreeze;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.outbound.PersonNotices;
import org.mqcgm.server.platform.push.PushNotifications;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.security.AccountDirectory;
import org.mqcgm.server.platform.web.Notices;

/**
 * A change of controller (PR-51). The operator announces it with {@code mqcgm admin controller-change announce}
 * (the transfer date at least 30 days away); the privacy policy in force is frozen until the change is completed
 * or cancelled. Every active person is told by e-mail (or SMS), push and an in-app notice, each channel in the
 * delivery log, with the date, the successor, and links to export and to delete their account; when the successor
 * changes the terms they choose on {@code /controller-change} to accept or decline (declining deletes their account
 * at the transfer date, or at once). At the transfer date a daily job (or {@code … complete}) closes and erases the
 * accounts of those who did not accept new terms and keeps the manifest of the accounts that remain.
 */
public final class ControllerChangeFeature implements Feature {

    /** Tells people (announcement, cancellation) and completes a change asked from the command line. */
    public static final String DISPATCH_JOB = "dispatch-controller-change-notices";
    /** Completes the open change at its transfer date. */
    public static final String TRANSFER_JOB = "controller-change-transfer";

    private final ControllerChanges changes;
    private final ChangeNotices notices;
    private final ChangeRoutes routes;

    private ControllerChangeFeature(ControllerChanges changes, ChangeNotices notices, ChangeRoutes routes) {
        this.changes = changes;
        this.notices = notices;
        this.routes = routes;
    }

    /**
     * @param freeze        the privacy policy's freeze (the privacy feature answers)
     * @param directory     every active account (accounts answer)
     * @param contacts      a person's addresses and language
     * @param push          push notifications to a person's devices
     * @param deleteAccount closes an account and queues its erasure (the cancellation feature answers)
     * @param publicUrl     the deployment's address, for the links in messages
     */
    public static ControllerChangeFeature create(Platform platform, PolicyFreeze freeze, AccountDirectory directory,
                                                 Function<UUID, Optional<AccountClosure.Contact>> contacts,
                                                 PushNotifications push, BiConsumer<UUID, String> deleteAccount,
                                                 String publicUrl) {
        ControllerChanges changes = new ControllerChanges(platform.jdbi(), platform.systemClock(), freeze);
        ChangeNotices notices = new ChangeNotices(changes, directory,
                new PersonNotices(contacts, platform.outbound(), push), deleteAccount, platform.mapper(), publicUrl);
        return new ControllerChangeFeature(changes, notices, new ChangeRoutes(changes, notices));
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes, web);
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(new Jobs.Job(DISPATCH_JOB, Duration.ofMinutes(1), notices::dispatch),
                Jobs.daily(TRANSFER_JOB, notices::completeDue));
    }

    /** The banner of a signed-in person with a controller-change notice not read yet. */
    public Notices notices() {
        return (ctx, profile, msg) -> notices.hasUnseen(profile.id())
                ? Optional.of(new Notices.Notice(msg.t("handover.banner"), ChangeRoutes.PAGE, msg.t("handover.read")))
                : Optional.empty();
    }

    /** The register (tests). */
    ControllerChanges changes() {
        return changes;
    }

    /** The notices and the transfer (tests). */
    ChangeNotices changeNotices() {
        return notices;
    }
}
