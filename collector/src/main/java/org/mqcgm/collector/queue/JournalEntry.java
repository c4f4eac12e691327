package org.mqcgm.collector.queue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * One record received from the sensor, as kept in the queue.
 *
 * @param seq            position in the queue, assigned by {@link ReadingJournal#append}
 * @param sessionStart   the session's start (from Session Start Time): with {@code timeOffset} the dedup key
 * @param timeOffset     minutes since session start
 * @param time           the absolute instant (session start + offset)
 * @param utcOffset      the wearer's UTC offset at that instant
 * @param mgdl           glucose in whole mg/dL, or 0 when the record is not uploaded as glucose (implausible or
 *                       special SFLOAT value; it is still kept so it is never counted twice)
 * @param warning        annunciation octet 0x20 (session stopped, battery low, …), −1 if absent
 * @param calTemp        annunciation octet 0x40 (calibration required, …), −1 if absent
 * @param status         annunciation octet 0x80 (result vs. thresholds), −1 if absent
 * @param advancesCursor true if this record was received live with nothing missing before it, so the session's
 *                       backfill cursor moves to it
 */
public record JournalEntry(long seq, Instant sessionStart, int timeOffset, Instant time, ZoneOffset utcOffset,
                           int mgdl, int warning, int calTemp, int status, boolean advancesCursor) {

    public JournalEntry {
        Objects.requireNonNull(sessionStart, "sessionStart");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(utcOffset, "utcOffset");
        if (timeOffset < 0 || timeOffset > 0xFFFF) {
            throw new IllegalArgumentException("time offset out of range: " + timeOffset);
        }
        if (mgdl < 0 || mgdl > 0xFFFF) {
            throw new IllegalArgumentException("mgdl out of range: " + mgdl);
        }
    }

    /** True if this entry is a glucose reading to upload. */
    public boolean isGlucose() {
        return mgdl > 0;
    }

    /** The wearer's local time of the reading. */
    public OffsetDateTime localTime() {
        return time.atOffset(utcOffset);
    }

    JournalEntry withSeq(long value) {
        return new JournalEntry(value, sessionStart, timeOffset, time, utcOffset, mgdl, warning, calTemp, status,
                advancesCursor);
    }
}
