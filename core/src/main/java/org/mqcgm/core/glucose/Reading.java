package org.mqcgm.core.glucose;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * One sensor glucose reading as stored: the UTC instant, the UTC offset the reading was taken at (so the
 * wearer's local clock time can be shown as it was, across travel and DST), and the glucose as integer mg/dL.
 *
 * @param time   the instant the sensor measured, UTC
 * @param offset the wearer's UTC offset at that instant
 * @param mgdl   glucose in mg/dL; sensor limits (Low/High markers) are carried at the limit value
 */
public record Reading(Instant time, ZoneOffset offset, int mgdl) implements Comparable<Reading> {

    /** The widest range any CGM reports (e.g. 20–600 mg/dL); values outside are not glucose readings. */
    public static final int MIN_MGDL = 20;
    public static final int MAX_MGDL = 600;

    public Reading {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(offset, "offset");
        if (mgdl < MIN_MGDL || mgdl > MAX_MGDL) {
            throw new IllegalArgumentException("glucose " + mgdl + " mg/dL outside " + MIN_MGDL + "–" + MAX_MGDL);
        }
    }

    /** A reading at a UTC instant with offset zero. */
    public static Reading utc(Instant time, int mgdl) {
        return new Reading(time, ZoneOffset.UTC, mgdl);
    }

    /** The wearer's local date-time at the moment of the reading. */
    public OffsetDateTime localTime() {
        return time.atOffset(offset);
    }

    @Override
    public int compareTo(Reading other) {
        return time.compareTo(other.time);
    }
}
