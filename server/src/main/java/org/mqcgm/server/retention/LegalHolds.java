package org.mqcgm.server.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.retention.Holds;
import org.mqcgm.server.platform.retention.RetentionSchedule;

/**
 * Legal holds (PR-54, PR-81): an operator keeps one person's data, or a whole category, beyond its retention period
 * because a legal obligation requires it, naming the basis and an expiry of at most three years. A hold without an
 * expiry, without a basis or longer than three years is refused; at the expiry (or a release) the next retention run
 * deletes what the hold kept. Renewal is a new hold set after a review.
 */
public final class LegalHolds {

    /** The longest a hold may last (renewable with a review: a new hold). */
    public static final Duration MAX = Duration.ofDays(3 * 365 + 1);

    /** A hold. {@code person} or {@code category} is null when the hold is on the other. */
    public record Hold(UUID id, UUID person, String category, String basis, String setBy, Instant created,
                       Instant expires, Instant released) {

        boolean inForce(Instant now) {
            return released == null && expires.isAfter(now);
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final RetentionSchedule schedule;

    LegalHolds(Jdbi jdbi, Clock clock, RetentionSchedule schedule) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.schedule = schedule;
    }

    /**
     * Sets a hold on a person (all categories, or one) or on a whole category.
     *
     * @throws IllegalArgumentException naming the rule broken (no basis, no expiry, expiry past or beyond three years,
     *                                  unknown category, neither person nor category)
     */
    public Hold set(UUID person, String category, String basis, Instant expires, String setBy) {
        Instant now = clock.instant();
        if (person == null && (category == null || category.isBlank())) {
            throw new IllegalArgumentException("a legal hold names a person, a category, or both");
        }
        if (category != null && schedule.category(category).isEmpty()) {
            throw new IllegalArgumentException("no retention category " + category + "; one of "
                    + schedule.categories().stream().map(RetentionSchedule.Category::id).toList());
        }
        if (basis == null || basis.isBlank() || basis.strip().length() > 1000) {
            throw new IllegalArgumentException("a legal hold needs its basis (the law, order or claim; 1 to 1000"
                    + " characters)");
        }
        if (expires == null) {
            throw new IllegalArgumentException("a legal hold needs an expiry (at most three years; renew it after a"
                    + " review)");
        }
        if (!expires.isAfter(now)) {
            throw new IllegalArgumentException("the expiry must be in the future");
        }
        if (expires.isAfter(now.plus(MAX))) {
            throw new IllegalArgumentException("the expiry must be at most three years away (renew it after a"
                    + " review)");
        }
        if (setBy == null || setBy.isBlank() || setBy.length() > 200) {
            throw new IllegalArgumentException("say who sets the hold (1 to 200 characters)");
        }
        Hold hold = new Hold(UUID.randomUUID(), person, category, basis.strip(), setBy.strip(), now, expires, null);
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into legal_hold (id, person_id, category, basis, set_by, created_at, expires_at)
                        values (:id, :person, :category, :basis, :by, :created, :expires)""")
                .bind("id", hold.id()).bind("person", person).bind("category", category)
                .bind("basis", hold.basis()).bind("by", hold.setBy()).bind("created", utc(now))
                .bind("expires", utc(expires)).execute());
        return hold;
    }

    /** Ends a hold now; returns false when there is no such hold in force. */
    public boolean release(UUID id) {
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createUpdate("""
                        update legal_hold set released_at = :now
                        where id = :id and released_at is null and expires_at > :now""")
                .bind("id", id).bind("now", utc(now)).execute()) == 1;
    }

    /** Every hold, newest first (ended ones too: they are the record of what was kept and why). */
    public List<Hold> list() {
        return jdbi.withHandle(h -> h.createQuery("select * from legal_hold order by created_at desc")
                .map((rs, ctx) -> new Hold(rs.getObject("id", UUID.class), rs.getObject("person_id", UUID.class),
                        rs.getString("category"), rs.getString("basis"), rs.getString("set_by"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("released_at", OffsetDateTime.class) == null ? null
                                : rs.getObject("released_at", OffsetDateTime.class).toInstant()))
                .list());
    }

    /** The holds in force now on {@code category}: the whole category, or the persons held in it. */
    Holds inForce(String category, List<Hold> all, Instant now) {
        boolean whole = false;
        Set<UUID> persons = new HashSet<>();
        for (Hold hold : all) {
            if (!hold.inForce(now)) {
                continue;
            }
            if (hold.person() == null && category.equals(hold.category())) {
                whole = true;
            } else if (hold.person() != null && (hold.category() == null || category.equals(hold.category()))) {
                persons.add(hold.person());
            }
        }
        return new Holds(whole, persons);
    }

    /** Whether a person is held in every category (their account must not be erased for inactivity). */
    boolean personHeld(UUID person, List<Hold> all, Instant now) {
        return all.stream().anyMatch(h -> h.inForce(now) && person.equals(h.person()) && h.category() == null);
    }

    static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
