package org.mqcgm.server.logbook;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * One check-in of the logbook.
 *
 * @param id      its id
 * @param time    when, at the wearer's UTC offset then
 * @param kind    what kind of entry
 * @param values  everything personal about it (encrypted at rest)
 * @param created when it was logged
 * @param updated when it was last changed
 */
record Checkin(UUID id, OffsetDateTime time, Kind kind, Values values, Instant created, Instant updated) {

    /** The kinds of entry. */
    enum Kind {
        MEAL, INSULIN, EXERCISE, MEDICATION, FINGERSTICK, NOTE;

        /** The kind's name in the API and the database, e.g. {@code meal}. */
        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Kind> parse(String id) {
            return Arrays.stream(values()).filter(k -> k.id().equals(id)).findFirst();
        }
    }

    /**
     * The personal content of an entry, stored as one JSON document encrypted with the owner's key. Only the fields
     * of the entry's kind are set.
     *
     * @param carbs       meal: grams of carbohydrate (0–1000), optional
     * @param units       insulin: units (0–300, in steps of 0.05)
     * @param insulinType insulin: rapid, long or other
     * @param minutes     exercise: how long (1–1440)
     * @param intensity   exercise: light, moderate or vigorous, optional
     * @param medication  medication: its name (at most 100 characters)
     * @param dose        medication: the dose as text (at most 50 characters), optional
     * @param mgdl        fingerstick: the value in mg/dL (20–600), whatever unit it was entered in
     * @param value       fingerstick: the value as entered
     * @param unit        fingerstick: the unit it was entered in, mg/dL or mmol/L
     * @param note        the note (the whole entry for a note; optional for the others), at most 2,000 characters
     * @param photos      ids of the entry's photos (the photos feature keeps them)
     */
    record Values(BigDecimal carbs, BigDecimal units, String insulinType, Integer minutes, String intensity,
                  String medication, String dose, Integer mgdl, BigDecimal value, String unit, String note,
                  List<UUID> photos) {
        Values {
            photos = photos == null ? List.of() : List.copyOf(photos);
        }
    }

    /** The text a person may search for: the note, the medication's name, the kind. */
    String searchableText() {
        StringBuilder b = new StringBuilder();
        if (values.medication() != null) {
            b.append(values.medication());
        }
        if (values.note() != null) {
            b.append(b.isEmpty() ? "" : " — ").append(values.note());
        }
        return b.toString();
    }
}
