package org.mqcgm.core.glucose;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * One sensor glucose reading as stored: the UTC instant, the UTC offset the reading was taken at (so the wearer's
 * local clock time can be shown as it was, across travel and DST), and the glucose as integer mg/dL — plus what the
 * sensor said about it.
 *
 * @param time    the instant the sensor measured, UTC (second precision)
 * @param offset  the wearer's UTC offset at that instant
 * @param mgdl    glucose in mg/dL; for a {@link Marker#LOW} or {@link Marker#HIGH} reading, the sensor's limit
 * @param marker  whether the sensor reported a value or "below/above my range"
 * @param trend   the sensor's rate of change in mg/dL per minute, or NaN when it gave none
 * @param quality the sensor's quality estimate in percent (0–100), or -1 when it gave none
 * @param status  sensor status annunciation bits (BLE CGMS §1.1: warning, cal/temp and status octets), 0 when none
 * @param source  the device or app that uploaded it (e.g. {@code xDrip-DexcomG6}), or null
 */
public record Reading(Instant time, ZoneOffset offset, int mgdl, Marker marker, double trend, int quality, int status,
                      String source) implements Comparable<Reading> {

    /** The widest range any CGM reports (e.g. 20–600 mg/dL); values outside are not glucose readings. */
    public static final int MIN_MGDL = 20;
    public static final int MAX_MGDL = 600;
    public static final int MAX_SOURCE_LENGTH = 64;

    /** A measured value, or the sensor saying the glucose is beyond what it can measure. */
    public enum Marker { VALUE, LOW, HIGH }

    public Reading {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(offset, "offset");
        Objects.requireNonNull(marker, "marker");
        if (mgdl < MIN_MGDL || mgdl > MAX_MGDL) {
            throw new IllegalArgumentException("glucose " + mgdl + " mg/dL outside " + MIN_MGDL + "–" + MAX_MGDL);
        }
        if (time.getNano() != 0) {
            time = Instant.ofEpochSecond(time.getEpochSecond());
        }
        if (quality < -1 || quality > 100) {
            throw new IllegalArgumentException("quality " + quality + " outside 0–100");
        }
        if (source != null && (source.isBlank() || source.length() > MAX_SOURCE_LENGTH)) {
            throw new IllegalArgumentException("source must have 1 to " + MAX_SOURCE_LENGTH + " characters");
        }
    }

    /** A plain measured value. */
    public Reading(Instant time, ZoneOffset offset, int mgdl) {
        this(time, offset, mgdl, Marker.VALUE, Double.NaN, -1, 0, null);
    }

    /** A reading at a UTC instant with offset zero. */
    public static Reading utc(Instant time, int mgdl) {
        return new Reading(time, ZoneOffset.UTC, mgdl);
    }

    /** The wearer's local date-time at the moment of the reading. */
    public OffsetDateTime localTime() {
        return time.atOffset(offset);
    }

    public boolean hasTrend() {
        return !Double.isNaN(trend);
    }

    @Override
    public int compareTo(Reading other) {
        return time.compareTo(other.time);
    }
}
