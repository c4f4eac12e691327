package org.mqcgm.server.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.UserKeys;

/**
 * The SQL of {@code alert}: each alert raised once per (owner, kind, episode start), its inputs and explanation
 * encrypted under the wearer's key, its acknowledgement, snooze, repeats and escalation.
 */
final class AlertStore {

    private static final String CONTEXT = "alerts.alert";

    /**
     * One alert.
     *
     * @param kind         {@code urgent-low}, …, {@code signal-loss}, {@code sensor-ending}
     * @param at           the time of what raised it (the reading; for signal loss when the silence passed the limit)
     * @param episodeStart with the kind, what makes it the same alert
     * @param inputs       what decided it, in mg/dL, mg/dL per minute, minutes
     * @param why          the explanation in English and mg/dL, as the rules gave it when it was raised
     */
    record Alert(UUID owner, UUID id, String kind, Instant at, Instant episodeStart, Instant raisedAt,
                 String ruleVersion, boolean quiet, Map<String, Number> inputs, String why, Instant acknowledgedAt,
                 Instant snoozedUntil, Instant nextSendAt, int sends) {

        boolean urgent() {
            return org.mqcgm.core.alerts.AlertKind.URGENT_LOW.id().equals(kind);
        }
    }

    /** An alert to raise: its identity, what decided it, and its delivery plan. */
    record Raise(String kind, Instant at, Instant episodeStart, String ruleVersion, boolean quiet,
                 Map<String, Number> inputs, String why, Instant nextSendAt, Instant escalateAt) {
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final ObjectMapper mapper;

    AlertStore(Jdbi jdbi, UserKeys keys, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.mapper = mapper;
    }

    /** Stores the alert unless its episode was raised already (by any node): the new alert, or empty. */
    Optional<Alert> raise(UUID owner, Raise r, Instant now) {
        UUID id = UUID.randomUUID();
        ObjectNode details = mapper.createObjectNode();
        ObjectNode in = details.putObject("inputs");
        r.inputs().forEach((k, v) -> in.set(k, mapper.valueToTree(v)));
        details.put("why", r.why());
        byte[] sealed = keys.encrypt(owner, CONTEXT, details.toString());
        Optional<UUID> inserted = jdbi.withHandle(h -> h.createQuery("""
                        insert into alert (owner_id, id, kind, episode_start, at, raised_at, rule_version, quiet,
                                           details, next_send_at, sends, escalate_at)
                        values (:o, :id, :kind, :episode, :at, :now, :version, :quiet, :details, :next, 0, :escalate)
                        on conflict (owner_id, kind, episode_start) do nothing
                        returning id""")
                .bind("o", owner).bind("id", id).bind("kind", r.kind()).bind("episode", at(r.episodeStart()))
                .bind("at", at(r.at())).bind("now", at(now)).bind("version", r.ruleVersion()).bind("quiet", r.quiet())
                .bind("details", sealed).bind("next", at(r.nextSendAt())).bind("escalate", at(r.escalateAt()))
                .mapTo(UUID.class).findOne());
        return inserted.map(x -> new Alert(owner, id, r.kind(), r.at(), r.episodeStart(), now, r.ruleVersion(),
                r.quiet(), new LinkedHashMap<>(r.inputs()), r.why(), null, null, r.nextSendAt(), 0));
    }

    /** The episode start of the wearer's most recent alert of a kind that started at or before {@code upTo}. */
    Optional<Instant> latestEpisodeStart(UUID owner, String kind, Instant upTo) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select episode_start from alert where owner_id = :o and kind = :kind and episode_start <= :upTo
                        order by episode_start desc limit 1""")
                .bind("o", owner).bind("kind", kind).bind("upTo", at(upTo))
                .mapTo(java.time.OffsetDateTime.class).findOne().map(java.time.OffsetDateTime::toInstant));
    }

    /** The wearer's alerts with {@code from <= at < to}, newest first, at most {@code limit}. */
    List<Alert> list(UUID owner, Instant from, Instant to, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from alert where owner_id = :o and at >= :from and at < :to
                        order by at desc, raised_at desc limit :limit""")
                .bind("o", owner).bind("from", at(from)).bind("to", at(to)).bind("limit", limit)
                .map(this::map).list());
    }

    Optional<Alert> find(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from alert where owner_id = :o and id = :id")
                .bind("o", owner).bind("id", id).map(this::map).findOne());
    }

    long count(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from alert where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
    }

    /** Acknowledges the alert (the first acknowledgement stays); false when the wearer has no such alert. */
    boolean acknowledge(UUID owner, UUID id, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update alert set acknowledged_at = coalesce(acknowledged_at, :now), next_send_at = null
                        where owner_id = :o and id = :id""")
                .bind("o", owner).bind("id", id).bind("now", at(now)).execute()) == 1;
    }

    /** Holds the repeats of an unacknowledged alert until {@code until}; false when the wearer has no such alert. */
    boolean snooze(UUID owner, UUID id, Instant until) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update alert set snoozed_until = :until,
                               next_send_at = case when acknowledged_at is null then :until end
                        where owner_id = :o and id = :id""")
                .bind("o", owner).bind("id", id).bind("until", at(until)).execute()) == 1;
    }

    /** Unacknowledged alerts whose next sending is due, oldest due first. */
    List<Alert> dueForSending(Instant now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from alert where acknowledged_at is null and next_send_at is not null
                          and next_send_at <= :now order by next_send_at limit :limit""")
                .bind("now", at(now)).bind("limit", limit).map(this::map).list());
    }

    /**
     * Claims one sending of the alert: moves its next sending to {@code next} (null: none) if it is still due at
     * {@code due} and unacknowledged — so two nodes never send the same repeat. True when this caller won it.
     */
    boolean claimSending(UUID owner, UUID id, Instant due, Instant next) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update alert set next_send_at = :next, sends = sends + 1
                        where owner_id = :o and id = :id and acknowledged_at is null and next_send_at = :due""")
                .bind("o", owner).bind("id", id).bind("due", at(due)).bind("next", at(next)).execute()) == 1;
    }

    /** Counts the first sending of a new alert. */
    void sent(UUID owner, UUID id) {
        jdbi.useHandle(h -> h.createUpdate("update alert set sends = sends + 1 where owner_id = :o and id = :id")
                .bind("o", owner).bind("id", id).execute());
    }

    /** Unacknowledged urgent alerts whose escalation is due and not done. */
    List<Alert> dueForEscalation(Instant now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from alert where acknowledged_at is null and escalated_at is null
                          and escalate_at is not null and escalate_at <= :now order by escalate_at limit :limit""")
                .bind("now", at(now)).bind("limit", limit).map(this::map).list());
    }

    /** Marks the alert escalated if nobody did and it is still unacknowledged; true when this caller won it. */
    boolean claimEscalation(UUID owner, UUID id, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update alert set escalated_at = :now
                        where owner_id = :o and id = :id and acknowledged_at is null and escalated_at is null""")
                .bind("o", owner).bind("id", id).bind("now", at(now)).execute()) == 1;
    }

    /** Records that the alert was escalated to a follower (on how many of their devices). */
    void escalated(UUID owner, UUID alert, UUID follower, Instant at, int devices) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into alert_escalation (owner_id, alert_id, follower_id, sent_at, devices)
                        values (:o, :a, :f, :at, :d) on conflict do nothing""")
                .bind("o", owner).bind("a", alert).bind("f", follower).bind("at", at(at)).bind("d", devices)
                .execute());
    }

    /** The followers an alert was escalated to. */
    List<UUID> escalatedTo(UUID owner, UUID alert) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select follower_id from alert_escalation where owner_id = :o and alert_id = :a")
                .bind("o", owner).bind("a", alert).mapTo(UUID.class).list());
    }

    /** A wearer whose newest reading the rules have not finished with. */
    record Unevaluated(UUID owner, Instant newest) {
    }

    /** Notes that the rules ran up to the reading at {@code newest}. */
    void evaluated(UUID owner, Instant newest) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update alert_watch set evaluated_at = :t
                        where owner_id = :o and (evaluated_at is null or evaluated_at < :t)""")
                .bind("o", owner).bind("t", at(newest)).execute());
    }

    /** Wearers whose newest reading, newer than {@code since}, the rules have not finished with. */
    List<Unevaluated> unevaluated(Instant since, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, last_reading_at from alert_watch
                        where evaluated_at is distinct from last_reading_at and last_reading_at > :since
                        order by last_reading_at limit :limit""")
                .bind("since", at(since)).bind("limit", limit)
                .map((rs, ctx) -> new Unevaluated(rs.getObject("owner_id", UUID.class),
                        rs.getObject("last_reading_at", java.time.OffsetDateTime.class).toInstant()))
                .list());
    }

    /**
     * Notes the wearer's newest reading for the signal-loss check and the evaluation job (only when it moves
     * forward): {@code silentDue} is when the silence after it becomes a signal loss, or null when that alert is off;
     * with {@code evaluated} it is noted as evaluated too (the caller takes that back with {@link #unevaluated(UUID)}
     * in the same transaction when the rules leave something to do).
     */
    void watch(UUID owner, Instant newest, Instant silentDue, boolean evaluated) {
        // A watch marked unevaluated (null: an alert still to be raised after its upload's commit) stays so for the
        // evaluation job until the raise marks it: a later upload that raises nothing must not clear it.
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into alert_watch (owner_id, last_reading_at, silent_due, evaluated_at)
                        values (:o, :last, :due, :evaluated)
                        on conflict (owner_id) do update set last_reading_at = excluded.last_reading_at,
                                                             silent_due = excluded.silent_due,
                                                             evaluated_at = case
                                                                 when alert_watch.evaluated_at is null then null
                                                                 else coalesce(excluded.evaluated_at,
                                                                               alert_watch.evaluated_at) end
                        where alert_watch.last_reading_at < excluded.last_reading_at""")
                .bind("o", owner).bind("last", at(newest)).bind("due", at(silentDue))
                .bind("evaluated", evaluated ? at(newest) : null).execute());
    }

    /**
     * Runs {@code body} in a savepoint of the caller's transaction (the upload's, on this thread), rolled back to
     * when it fails, so a failed statement in it leaves the transaction usable; outside a transaction it just runs.
     */
    <T> T inSavepoint(java.util.function.Supplier<T> body) {
        return jdbi.withHandle(h -> {
            if (!h.isInTransaction()) {
                return body.get();
            }
            h.savepoint("alert_rules");
            try {
                return body.get();
            } catch (RuntimeException e) {
                h.rollbackToSavepoint("alert_rules");
                throw e;
            }
        });
    }

    /** Takes back the evaluated mark of the wearer's newest reading (the rules left something to do). */
    void unevaluated(UUID owner) {
        jdbi.useHandle(h -> h.createUpdate("update alert_watch set evaluated_at = null where owner_id = :o")
                .bind("o", owner).execute());
    }

    /** A wearer whose silence became due, and the time of their newest reading. */
    record Silence(UUID owner, Instant lastReading) {
    }

    List<Silence> silencesDue(Instant now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, last_reading_at from alert_watch
                        where silent_due is not null and silent_due <= :now order by silent_due limit :limit""")
                .bind("now", at(now)).bind("limit", limit)
                .map((rs, ctx) -> new Silence(rs.getObject("owner_id", UUID.class), instant(rs, "last_reading_at")))
                .list());
    }

    /** Takes the silence off the due list (once per silence, across nodes); true when this caller won it. */
    boolean claimSilence(Silence s) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update alert_watch set silent_due = null
                        where owner_id = :o and last_reading_at = :last and silent_due is not null""")
                .bind("o", s.owner()).bind("last", at(s.lastReading())).execute()) == 1;
    }

    private Alert map(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        UUID owner = rs.getObject("owner_id", UUID.class);
        Map<String, Number> inputs = new LinkedHashMap<>();
        String why;
        try {
            JsonNode d = mapper.readTree(keys.decryptString(owner, CONTEXT, rs.getBytes("details")));
            d.path("inputs").properties().forEach(e -> inputs.put(e.getKey(), e.getValue().numberValue()));
            why = d.path("why").asText();
        } catch (IOException e) {
            throw new IllegalStateException("unreadable alert", e);
        }
        return new Alert(owner, rs.getObject("id", UUID.class), rs.getString("kind"), instant(rs, "at"),
                instant(rs, "episode_start"), instant(rs, "raised_at"), rs.getString("rule_version"),
                rs.getBoolean("quiet"), inputs, why, instant(rs, "acknowledged_at"), instant(rs, "snoozed_until"),
                instant(rs, "next_send_at"), rs.getInt("sends"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime at(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
