package org.mqcgm.server.egress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.egress.Egress;
import org.mqcgm.server.platform.egress.Recipient;

/**
 * The hourly feeds to declared recipients: for each recipient with the {@code readings} feed, each person who made
 * a choice about it gets their readings newer than the last one sent through the gateway while they consent (and consent to health
 * data); a person whose consent ended since the last run gets one logged "consent revoked" (or the reason it stopped)
 * and their feed ends. The gateway checks everything else (registry, DPA, suspension, region) and projects.
 */
final class Feeds {

    /** A person's first run sends their readings of the last day. */
    static final Duration FIRST = Duration.ofDays(1);

    private final Jdbi jdbi;
    private final Egress egress;
    private final Consents consents;
    private final EgressFeature.ReadingSource readings;
    private final Clock dataClock;

    /** Whether a person is a minor: never fed to a third party (PR-78). */
    private java.util.function.Predicate<UUID> minor = person -> false;

    void minors(java.util.function.Predicate<UUID> minor) {
        this.minor = minor;
    }

    Feeds(Jdbi jdbi, Egress egress, Consents consents, EgressFeature.ReadingSource readings, Clock dataClock) {
        this.jdbi = jdbi;
        this.egress = egress;
        this.consents = consents;
        this.readings = readings;
        this.dataClock = dataClock;
    }

    /** One pass over every recipient and person; returns how many deliveries were attempted. */
    int run() {
        int attempts = 0;
        for (Recipient r : egress.all()) {
            if (!r.feed().equals("readings")) {
                continue;
            }
            for (UUID owner : egress.peopleWithChoices(r.id())) {
                attempts += one(r, owner) ? 1 : 0;
            }
        }
        return attempts;
    }

    private boolean one(Recipient r, UUID owner) {
        if (minor.test(owner)) {
            return false; // third-party transfers stay off for minors (PR-78)
        }
        Optional<Instant> cursor = cursor(owner, r.id());
        boolean granted = egress.consentOf(owner, r.id()).map(Egress.Consent::granted).orElse(false);
        if (!granted && cursor.isEmpty()) {
            return false; // never fed, or its end already logged
        }
        Instant to = dataClock.instant();
        Instant from = cursor.orElse(to.minus(FIRST));
        List<Reading> due = granted && consents.granted(owner, Consents.Purpose.HEALTH_DATA)
                ? readings.range(owner, from, to) : List.of();
        List<Map<String, Object>> records = due.stream().map(Feeds::record).toList();
        if (granted && egress.consents(owner, r) && records.isEmpty()) {
            return false; // nothing new
        }
        Egress.Result result = egress.deliver(owner, r.id(), r.purposes().getFirst(), records);
        if (result.sent()) {
            // Next time from the second after the newest reading sent (readings are kept to the second).
            Instant newest = due.stream().map(Reading::time).max(Instant::compareTo).orElse(from);
            setCursor(owner, r.id(), newest.plusSeconds(1));
        } else if (result.outcome().equals("consent-revoked") || result.outcome().equals("no-consent")) {
            dropCursor(owner, r.id());
        }
        return true;
    }

    static Map<String, Object> record(Reading reading) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", reading.time().toString());
        m.put("mgdl", reading.mgdl());
        if (reading.hasTrend()) {
            m.put("trend", reading.trend());
        }
        if (reading.source() != null) {
            m.put("device", reading.source());
        }
        return m;
    }

    private Optional<Instant> cursor(UUID owner, String recipient) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select sent_until from egress_cursor where owner_id = :o and recipient = :r")
                .bind("o", owner).bind("r", recipient)
                .map((rs, ctx) -> rs.getObject(1, OffsetDateTime.class).toInstant()).findOne());
    }

    private void setCursor(UUID owner, String recipient, Instant until) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into egress_cursor (owner_id, recipient, sent_until) values (:o, :r, :t)
                        on conflict (owner_id, recipient) do update set sent_until = excluded.sent_until""")
                .bind("o", owner).bind("r", recipient).bind("t", until.atOffset(ZoneOffset.UTC)).execute());
    }

    private void dropCursor(UUID owner, String recipient) {
        jdbi.useHandle(h -> h.createUpdate("delete from egress_cursor where owner_id = :o and recipient = :r")
                .bind("o", owner).bind("r", recipient).execute());
    }
}
