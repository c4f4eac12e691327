package org.mqcgm.server.platform.marks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;

/**
 * A person's logbook entries as marks on their glucose curve (Today, History, the AGP report's daily profiles): the
 * logbook provides it, the glucose and reports features take it. Only the owner's own pages ask for it.
 */
public interface CheckinMarks {

    /**
     * One entry on the curve.
     *
     * @param time  when
     * @param kind  meal, insulin, exercise, medication, fingerstick or note (pages translate it)
     * @param label the entry's amount in a few characters, e.g. {@code 45 g}, {@code 4 U}, {@code 30 min}, or empty
     */
    record Mark(Instant time, String kind, String label) {
    }

    /** The owner's entries in {@code [from, to)}, oldest first. */
    List<Mark> marks(UUID owner, Instant from, Instant to);

    /**
     * The owner's entries in {@code [from, to)}, oldest first, their glucose values (finger-sticks) labelled in the
     * viewer's unit, whatever unit they were entered in.
     */
    default List<Mark> marks(UUID owner, Instant from, Instant to, GlucoseUnit unit) {
        return marks(owner, from, to);
    }

    /** No logbook. */
    CheckinMarks NONE = (owner, from, to) -> List.of();
}
