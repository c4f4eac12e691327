package org.mqcgm.server.handover;

import java.time.Clock;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.privacy.PrivacyFeature;

/**
 * Controller changes from the command line ({@code mqcgm admin controller-change …}) against the configured
 * database, without starting the web server. Announcing freezes the privacy policy at once; the notices, the
 * cancellation notices and an asked-for completion are the running server's work (its job
 * {@value ControllerChangeFeature#DISPATCH_JOB}, within a minute). Refusals are {@link ProblemException}s naming the
 * field and rule, as over HTTP.
 */
public final class ControllerChangeAdministration implements AutoCloseable {

    private final Database database;
    private final ControllerChanges changes;

    private ControllerChangeAdministration(Database database, ControllerChanges changes) {
        this.database = database;
        this.changes = changes;
    }

    /**
     * Over a database opened by someone else (a running server's, in the demo or a test); closing it leaves that
     * database open.
     */
    public static ControllerChangeAdministration over(org.jdbi.v3.core.Jdbi jdbi, Clock clock) {
        return new ControllerChangeAdministration(null, new ControllerChanges(jdbi, clock,
                PrivacyFeature.policyFreeze(jdbi, clock)));
    }

    public static ControllerChangeAdministration open(ServerConfig config) {
        Database db = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(), 2);
        try {
            db.migrate();
            return new ControllerChangeAdministration(db, new ControllerChanges(db.jdbi(), Clock.systemUTC(),
                    PrivacyFeature.policyFreeze(db.jdbi(), Clock.systemUTC())));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Announces a change; returns what was recorded, as text. */
    public String announce(String successor, String successorContact, String transferDate, boolean termsChanged,
                           String reason) {
        return describe(changes.announce(successor, successorContact, transferDate, termsChanged, reason));
    }

    /** Cancels the open change (the policy is unfrozen; people are told). */
    public String cancel() {
        return describe(changes.cancel());
    }

    /** Asks for the completion of the open change (refused before its transfer date). */
    public String complete() {
        return describe(changes.requestCompletion());
    }

    /** The open change, or the newest one, as text. */
    public String show() {
        return changes.open().or(changes::latest).map(ControllerChangeAdministration::describe)
                .orElse("no controller change\n");
    }

    /** The delivery log of the open change, or the newest one: one line per person, notice and channel. */
    public String deliveries() {
        StringBuilder sb = new StringBuilder();
        changes.open().or(changes::latest).ifPresent(c -> changes.deliveries(c.id()).forEach(d -> sb
                .append(d.owner()).append(' ').append(d.notice()).append(' ').append(d.channel()).append(' ')
                .append(d.status()).append(d.detail() == null ? "" : " (" + d.detail() + ")").append('\n')));
        return sb.toString();
    }

    /** The manifest of the newest completed change (JSON), refused while none is completed. */
    public String manifest() {
        ControllerChanges.Change c = changes.latest().filter(x -> x.manifest() != null)
                .orElseThrow(() -> new ProblemException(Problem.of(404, "no-manifest", "No manifest",
                        "No controller change is completed yet; its manifest is made at the transfer date.")));
        return c.manifest() + "\n";
    }

    static String describe(ControllerChanges.Change c) {
        String state = c.cancelledAt() != null ? "cancelled " + c.cancelledAt()
                : c.completedAt() != null ? "completed " + c.completedAt()
                : c.completeRequestedAt() != null ? "completion requested " + c.completeRequestedAt() : "open";
        return "controller change " + c.id() + "\n"
                + "  successor: " + c.successor() + " (" + c.successorContact() + ")\n"
                + "  transfer date: " + c.transferDate() + "\n"
                + "  terms changed: " + c.termsChanged() + "\n"
                + (c.reason() == null ? "" : "  reason: " + c.reason() + "\n")
                + "  policy version frozen: " + c.policyVersion() + "\n"
                + "  announced: " + c.announcedAt() + ", people told: "
                + (c.notifiedAt() == null ? "not yet (a running server tells them within a minute)"
                : "since " + c.notifiedAt()) + "\n"
                + "  state: " + state + "\n";
    }

    @Override
    public void close() {
        if (database != null) {
            database.close();
        }
    }
}
