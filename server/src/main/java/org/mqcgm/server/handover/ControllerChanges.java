package org.mqcgm.server.handover;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.consent.PolicyFreeze;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * The register of controller changes (PR-51): one open at a time. Announcing one freezes the privacy policy in
 * force; cancelling or completing it lifts the freeze. The transfer date lies at least {@value #MIN_NOTICE_DAYS}
 * days after the announcement (UTC dates), so everyone has that long to export and delete their data.
 */
final class ControllerChanges {

    /** Days between the announcement and the transfer, at least. */
    static final int MIN_NOTICE_DAYS = 30;

    /** One change. {@code manifest} is the JSON kept at completion (null before). */
    record Change(UUID id, String successor, String successorContact, LocalDate transferDate, boolean termsChanged,
                  String reason, int policyVersion, Instant announcedAt, Instant notifiedAt, Instant cancelledAt,
                  Instant completeRequestedAt, Instant completedAt, String manifest) {

        boolean open() {
            return cancelledAt == null && completedAt == null;
        }
    }

    private static final String COLUMNS = """
            c.id, c.successor, c.successor_contact, c.transfer_date, c.terms_changed, c.reason, c.policy_version,
            c.announced_at, c.notified_at, c.cancelled_at, c.complete_requested_at, c.completed_at,
            c.manifest::text as manifest""";

    private final Jdbi jdbi;
    private final Clock clock;
    private final PolicyFreeze freeze;

    ControllerChanges(Jdbi jdbi, Clock clock, PolicyFreeze freeze) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.freeze = freeze;
    }

    Clock clock() {
        return clock;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** Today's date (UTC): the transfer happens on the transfer date. */
    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /**
     * Announces a change: refused (422 naming each field and its rule) without a successor, a contact, or a
     * transfer date at least 30 days away; 409 while another change is open or when the policy cannot be frozen.
     */
    Change announce(String successor, String successorContact, String transferDate, boolean termsChanged,
                    String reason) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String name = text(successor, "successor", 300, true, errors);
        String contact = text(successorContact, "successorContact", 500, true, errors);
        String why = text(reason, "reason", 2000, false, errors);
        LocalDate date = null;
        if (transferDate == null || transferDate.isBlank()) {
            errors.add(new Problem.FieldError("$.transferDate", "required", "the transfer date is needed"));
        } else {
            try {
                date = LocalDate.parse(transferDate.strip());
            } catch (DateTimeParseException e) {
                errors.add(new Problem.FieldError("$.transferDate", "date", "must be a date YYYY-MM-DD"));
            }
        }
        LocalDate earliest = today().plusDays(MIN_NOTICE_DAYS);
        if (date != null && date.isBefore(earliest)) {
            errors.add(new Problem.FieldError("$.transferDate", "min-notice-30-days", "must be at least "
                    + MIN_NOTICE_DAYS + " days after the announcement: " + earliest + " or later"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The controller change has problems.", errors));
        }
        UUID id = UUID.randomUUID();
        LocalDate transfer = date;
        jdbi.useTransaction(h -> {
            h.execute("lock table controller_change in share row exclusive mode");
            Optional<Change> current = open(h);
            if (current.isPresent()) {
                throw new ProblemException(Problem.of(409, "controller-change-open", "A change is open",
                        "Controller change " + current.get().id() + " is open; complete or cancel it first."));
            }
            int version;
            try {
                version = freeze.freeze(h, "controller change to " + name + " on " + transfer);
            } catch (PolicyFreeze.Refused e) {
                throw new ProblemException(Problem.of(409, "policy-not-freezable", "Policy cannot be frozen",
                        e.getMessage() + "."));
            }
            h.createUpdate("""
                            insert into controller_change (id, successor, successor_contact, transfer_date,
                                terms_changed, reason, policy_version, announced_at)
                            values (:id, :s, :c, :d, :t, :r, :v, :at)""")
                    .bind("id", id).bind("s", name).bind("c", contact).bind("d", transfer).bind("t", termsChanged)
                    .bind("r", why).bind("v", version).bind("at", clock.instant()).execute();
        });
        return get(id).orElseThrow();
    }

    private static String text(String value, String field, int max, boolean required,
                               List<Problem.FieldError> errors) {
        String v = value == null ? null : value.strip();
        if (v == null || v.isEmpty()) {
            if (required) {
                errors.add(new Problem.FieldError("$." + field, "required", "must be given"));
            }
            return null;
        }
        if (v.length() > max) {
            errors.add(new Problem.FieldError("$." + field, "max-length", "at most " + max + " characters"));
        }
        return v;
    }

    /** Cancels the open change: the policy is no longer frozen; the people told are told again. */
    Change cancel() {
        UUID id = jdbi.inTransaction(h -> {
            Change c = lockOpen(h);
            h.createUpdate("update controller_change set cancelled_at = :at where id = :id")
                    .bind("at", clock.instant()).bind("id", c.id()).execute();
            freeze.unfreeze(h);
            return c.id();
        });
        return get(id).orElseThrow();
    }

    /** Asks for the completion of the open change (refused before its transfer date); the server's job does it. */
    Change requestCompletion() {
        UUID id = jdbi.inTransaction(h -> {
            Change c = lockOpen(h);
            if (today().isBefore(c.transferDate())) {
                throw new ProblemException(Problem.of(409, "before-transfer-date", "Before the transfer date",
                        "The transfer date is " + c.transferDate() + ": until then people may still export and"
                                + " delete their data."));
            }
            h.createUpdate("update controller_change set complete_requested_at = :at where id = :id")
                    .bind("at", clock.instant()).bind("id", c.id()).execute();
            return c.id();
        });
        return get(id).orElseThrow();
    }

    /**
     * Inside the caller's transaction: records the completion with its manifest and lifts the freeze.
     *
     * @return false when the change is not open any more (another node completed it)
     */
    boolean recordCompletion(Handle h, UUID id, String manifestJson) {
        int changed = h.createUpdate("""
                        update controller_change set completed_at = :at, manifest = cast(:m as jsonb)
                        where id = :id and completed_at is null and cancelled_at is null""")
                .bind("at", clock.instant()).bind("m", manifestJson).bind("id", id).execute();
        if (changed == 1) {
            freeze.unfreeze(h);
        }
        return changed == 1;
    }

    private Change lockOpen(Handle h) {
        h.execute("lock table controller_change in share row exclusive mode");
        return open(h).orElseThrow(() -> new ProblemException(Problem.of(404, "no-open-controller-change",
                "No open change", "No controller change is open.")));
    }

    Optional<Change> open() {
        return jdbi.withHandle(ControllerChanges::open);
    }

    static Optional<Change> open(Handle h) {
        return h.createQuery("select " + COLUMNS + " from controller_change c where c.cancelled_at is null"
                + " and c.completed_at is null").map((rs, ctx) -> map(rs)).findOne();
    }

    Optional<Change> get(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS
                        + " from controller_change c where c.id = :id")
                .bind("id", id).map((rs, ctx) -> map(rs)).findOne());
    }

    /** The newest change (open or not), if any. */
    Optional<Change> latest() {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS
                        + " from controller_change c order by c.announced_at desc limit 1")
                .map((rs, ctx) -> map(rs)).findOne());
    }

    /** The newest change a person was told about, if any. */
    Optional<Change> latestFor(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS
                        + " from controller_change c join controller_change_recipient r on r.change_id = c.id"
                        + " where r.owner_id = :o order by c.announced_at desc limit 1")
                .bind("o", owner).map((rs, ctx) -> map(rs)).findOne());
    }

    private static Change map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Change(rs.getObject("id", UUID.class), rs.getString("successor"),
                rs.getString("successor_contact"), rs.getObject("transfer_date", LocalDate.class),
                rs.getBoolean("terms_changed"), rs.getString("reason"), rs.getInt("policy_version"),
                instant(rs, "announced_at"), instant(rs, "notified_at"), instant(rs, "cancelled_at"),
                instant(rs, "complete_requested_at"), instant(rs, "completed_at"), rs.getString("manifest"));
    }

    private static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        java.sql.Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** A person's choice on the open change whose successor changes the terms. */
    enum Choice {
        ACCEPT("accept"), DECLINE("decline");

        final String id;

        Choice(String id) {
            this.id = id;
        }
    }

    /**
     * Records a person's choice on the open change: refused (409) when no change is open or its terms do not
     * change (then there is nothing to choose: the policy binds the successor as it is).
     */
    void choose(UUID owner, Choice choice) {
        jdbi.useTransaction(h -> {
            Change c = open(h).filter(Change::termsChanged).orElseThrow(() -> new ProblemException(Problem.of(409,
                    "nothing-to-choose", "Nothing to choose", "No controller change with new terms is open.")));
            h.createUpdate("""
                            insert into controller_change_recipient (owner_id, change_id, added_at, choice, chosen_at)
                            values (:o, :c, :at, :ch, :at)
                            on conflict (owner_id, change_id) do update set choice = excluded.choice,
                                chosen_at = excluded.chosen_at""")
                    .bind("o", owner).bind("c", c.id()).bind("at", clock.instant()).bind("ch", choice.id).execute();
        });
    }

    /** A person's recorded choice on a change (null: none). */
    String choiceOf(UUID owner, UUID change) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select choice from controller_change_recipient where owner_id = :o and change_id = :c""")
                .bind("o", owner).bind("c", change).mapTo(String.class).findOne().orElse(null));
    }

    /** One person's channel of one notice. */
    record Delivery(UUID owner, String notice, String channel, String status, String detail) {
    }

    /** The delivery log of a change, by person and channel. */
    List<Delivery> deliveries(UUID change) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, notice, channel, status, detail from controller_change_delivery
                        where change_id = :c order by owner_id, notice, channel""")
                .bind("c", change).map((rs, ctx) -> new Delivery(rs.getObject("owner_id", UUID.class),
                        rs.getString("notice"), rs.getString("channel"), rs.getString("status"),
                        rs.getString("detail"))).list());
    }
}
