package org.mqcgm.server.platform.logbook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.core.imports.LogEntry;

/**
 * A person's logbook check-ins, in the logbook API's own JSON shape ({@code time}, {@code kind} meal / insulin /
 * exercise / medication / fingerstick / note, and the kind's fields: {@code carbs}; {@code units},
 * {@code insulinType}; {@code minutes}, {@code intensity}; {@code medication}, {@code dose}; {@code value},
 * {@code unit}; {@code note}), validated by the logbook exactly as its API validates them. Read back with
 * {@code id}, {@code created} and {@code updated} (ISO instants) added. Implemented by the logbook feature.
 */
public interface LogbookEntries {

    /** Logs a check-in; empty when the logbook does not accept it (out of its ranges), nothing stored then. */
    Optional<ObjectNode> add(UUID owner, ObjectNode checkin);

    /**
     * Logs check-ins together (an import): the accepted ones in one transaction; each answer is the stored check-in,
     * or empty when the logbook does not accept that one (nothing stored for it).
     */
    default List<Optional<ObjectNode>> addAll(UUID owner, List<ObjectNode> checkins) {
        return checkins.stream().map(c -> add(owner, c)).toList();
    }

    /** Replaces a check-in's content (its kind stays); empty when there is none or the logbook refuses it. */
    Optional<ObjectNode> replace(UUID owner, UUID id, ObjectNode checkin);

    /** Deletes a check-in (with its photos); false when there is none. */
    boolean remove(UUID owner, UUID id);

    /** One check-in. */
    Optional<ObjectNode> find(UUID owner, UUID id);

    /** The check-ins with {@code from <= time < to}, newest first, at most {@code limit}. */
    List<ObjectNode> between(UUID owner, Instant from, Instant to, int limit);

    /**
     * As {@link #between(UUID, Instant, Instant, int)}, leaving out the check-ins whose id {@code skip} accepts before
     * the limit is applied (and before they are decrypted).
     */
    default List<ObjectNode> between(UUID owner, Instant from, Instant to, int limit,
                                     java.util.function.Predicate<UUID> skip) {
        return between(owner, from, to, Integer.MAX_VALUE).stream()
                .filter(c -> !skip.test(UUID.fromString(c.path("id").asText()))).limit(limit).toList();
    }

    /**
     * The check-ins created or changed after {@code since} (exclusive, to the millisecond), oldest change first,
     * leaving out those whose id {@code skip} accepts: at most {@code limit}, plus the others changed in the same
     * millisecond as the last of them (a sync client asks again from that millisecond, exclusive, so a page never
     * ends inside one). Deletions are not listed.
     */
    default List<ObjectNode> changedSince(UUID owner, Instant since, int limit,
                                          java.util.function.Predicate<UUID> skip) {
        return List.of();
    }

    /** When a check-in of the person was last created or changed; empty when there is none. */
    default Optional<Instant> lastChanged(UUID owner) {
        return Optional.empty();
    }

    /** A check-in of {@code entry} at {@code time} in the logbook's JSON shape. */
    static ObjectNode checkin(OffsetDateTime time, LogEntry entry) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("time", time.toString());
        n.put("kind", entry.kind());
        entry.fields().forEach((k, v) -> {
            switch (v) {
                case BigDecimal b -> n.put(k, b);
                case Integer i -> n.put(k, i);
                default -> n.put(k, v.toString());
            }
        });
        return n;
    }

    /** No logbook. */
    LogbookEntries NONE = new LogbookEntries() {
        @Override
        public Optional<ObjectNode> add(UUID owner, ObjectNode checkin) {
            return Optional.empty();
        }

        @Override
        public Optional<ObjectNode> replace(UUID owner, UUID id, ObjectNode checkin) {
            return Optional.empty();
        }

        @Override
        public boolean remove(UUID owner, UUID id) {
            return false;
        }

        @Override
        public Optional<ObjectNode> find(UUID owner, UUID id) {
            return Optional.empty();
        }

        @Override
        public List<ObjectNode> between(UUID owner, Instant from, Instant to, int limit) {
            return List.of();
        }
    };
}
