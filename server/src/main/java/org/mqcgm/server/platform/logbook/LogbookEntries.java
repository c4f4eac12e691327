package org.mqcgm.server.platform.logbook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A person's logbook check-ins, in the logbook API's own JSON shape ({@code time}, {@code kind} meal / insulin /
 * exercise / medication / fingerstick / note, and the kind's fields: {@code carbs}; {@code units},
 * {@code insulinType}; {@code minutes}, {@code intensity}; {@code medication}, {@code dose}; {@code value},
 * {@code unit}; {@code note}), validated by the logbook exactly as its API validates them. Read back with
 * {@code id} and {@code updated} (ISO instant) added. Implemented by the logbook feature.
 */
public interface LogbookEntries {

    /** Logs a check-in; empty when the logbook does not accept it (out of its ranges), nothing stored then. */
    Optional<ObjectNode> add(UUID owner, ObjectNode checkin);

    /** Replaces a check-in's content (its kind stays); empty when there is none or the logbook refuses it. */
    Optional<ObjectNode> replace(UUID owner, UUID id, ObjectNode checkin);

    /** Deletes a check-in (with its photos); false when there is none. */
    boolean remove(UUID owner, UUID id);

    /** One check-in. */
    Optional<ObjectNode> find(UUID owner, UUID id);

    /** The check-ins with {@code from <= time < to}, newest first, at most {@code limit}. */
    List<ObjectNode> between(UUID owner, Instant from, Instant to, int limit);

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
