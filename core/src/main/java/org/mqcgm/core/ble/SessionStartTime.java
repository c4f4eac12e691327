package org.mqcgm.core.ble;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * CGM Session Start Time (0x2AAA), ble-cgms.md §1.4:
 * {@code year uint16 | month | day | hours | minutes | seconds | time zone sint8 | DST offset uint8 | [E2E-CRC]}.
 *
 * <p>Year 0, month 0 and day 0 mean "unknown"; time zone −128 and DST 255 mean "unknown". The date
 * and time are the sensor's <em>local</em> time; UTC = local − (time zone · 15 min + DST). The
 * collector writes this right after Start Session; the absolute time of a measurement is
 * session start (UTC) + time offset (§4).
 *
 * @param year       1582..9999, or 0 = unknown
 * @param month      1..12, or 0 = unknown
 * @param day        1..31 (and valid for the month), or 0 = unknown
 * @param hours      0..23
 * @param minutes    0..59
 * @param seconds    0..59
 * @param timeZone   offset from UTC in 15-minute units, −48..56, or −128 = unknown
 * @param dstOffset  daylight saving offset
 * @param crcPresent whether an E2E-CRC follows
 */
public record SessionStartTime(
        int year, int month, int day, int hours, int minutes, int seconds,
        int timeZone, DstOffset dstOffset, boolean crcPresent) implements CgmsValue {

    /** Length without CRC. */
    public static final int PAYLOAD_LENGTH = 9;
    /** Time zone value meaning "unknown". */
    public static final int TIME_ZONE_UNKNOWN = -128;

    /** DST Offset codes; any other code is reserved. */
    public enum DstOffset {
        STANDARD_TIME(0, 0), HALF_AN_HOUR_DAYLIGHT_TIME(2, 30), DAYLIGHT_TIME(4, 60),
        DOUBLE_DAYLIGHT_TIME(8, 120), UNKNOWN(255, -1);

        private final int code;
        private final int minutes;

        DstOffset(int code, int minutes) {
            this.code = code;
            this.minutes = minutes;
        }

        public int code() {
            return code;
        }

        /** Offset in minutes; empty for {@link #UNKNOWN}. */
        public OptionalInt minutes() {
            return this == UNKNOWN ? OptionalInt.empty() : OptionalInt.of(minutes);
        }

        public static Optional<DstOffset> fromCode(int code) {
            for (DstOffset d : values()) {
                if (d.code == code) {
                    return Optional.of(d);
                }
            }
            return Optional.empty();
        }
    }

    public SessionStartTime {
        Objects.requireNonNull(dstOffset, "dstOffset");
        String problem = rangeProblem(year, month, day, hours, minutes, seconds, timeZone);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Session start at {@code local} (truncated to seconds) in a zone {@code timeZone15MinUnits}·15 min
     * from UTC, with {@code dst} on top. No CRC.
     */
    public static SessionStartTime of(LocalDateTime local, int timeZone15MinUnits, DstOffset dst) {
        return new SessionStartTime(local.getYear(), local.getMonthValue(), local.getDayOfMonth(),
                local.getHour(), local.getMinute(), local.getSecond(), timeZone15MinUnits, dst, false);
    }

    public SessionStartTime withCrc(boolean value) {
        return new SessionStartTime(year, month, day, hours, minutes, seconds, timeZone, dstOffset, value);
    }

    /**
     * The first range violation of ble-cgms.md §1.4, or null. Also rejects calendar-impossible days
     * (31 April, 29 February in a non-leap year; 30 February even when the year is unknown).
     */
    static String rangeProblem(int year, int month, int day, int hours, int minutes, int seconds, int timeZone) {
        if (year != 0 && (year < 1582 || year > 9999)) {
            return "year " + year + " out of range 1582..9999 (0 = unknown)";
        }
        if (month < 0 || month > 12) {
            return "month " + month + " out of range 1..12 (0 = unknown)";
        }
        if (day < 0 || day > 31) {
            return "day " + day + " out of range 1..31 (0 = unknown)";
        }
        if (day > 0 && month > 0 && day > maxDay(year, month)) {
            return "day " + day + " does not exist in month " + month + (year != 0 ? " of " + year : "");
        }
        if (hours < 0 || hours > 23) {
            return "hours " + hours + " out of range 0..23";
        }
        if (minutes < 0 || minutes > 59) {
            return "minutes " + minutes + " out of range 0..59";
        }
        if (seconds < 0 || seconds > 59) {
            return "seconds " + seconds + " out of range 0..59";
        }
        if (timeZone != TIME_ZONE_UNKNOWN && (timeZone < -48 || timeZone > 56)) {
            return "time zone " + timeZone + " out of range -48..56 (-128 = unknown)";
        }
        return null;
    }

    private static int maxDay(int year, int month) {
        return switch (month) {
            case 2 -> year == 0 || java.time.Year.isLeap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Time zone in minutes from UTC, empty if unknown. */
    public OptionalInt timeZoneMinutes() {
        return timeZone == TIME_ZONE_UNKNOWN ? OptionalInt.empty() : OptionalInt.of(timeZone * 15);
    }

    /** Local date and time, empty if year, month or day is unknown. */
    public Optional<LocalDateTime> localDateTime() {
        if (year == 0 || month == 0 || day == 0) {
            return Optional.empty();
        }
        return Optional.of(LocalDateTime.of(year, month, day, hours, minutes, seconds));
    }

    /** Local-time offset from UTC (time zone + DST), empty if either is unknown. */
    public Optional<ZoneOffset> utcOffset() {
        OptionalInt tz = timeZoneMinutes();
        OptionalInt dst = dstOffset.minutes();
        if (tz.isEmpty() || dst.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ZoneOffset.ofTotalSeconds((tz.getAsInt() + dst.getAsInt()) * 60));
    }

    /** Session start as an instant, empty if date, time zone or DST is unknown. */
    public Optional<Instant> sessionStart() {
        Optional<LocalDateTime> local = localDateTime();
        Optional<ZoneOffset> offset = utcOffset();
        if (local.isEmpty() || offset.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(local.get().toInstant(offset.get()));
    }

    /** Absolute time of a record with the given time offset (ble-cgms.md §1.4, §4 step 6). */
    public Optional<Instant> timeOf(int timeOffsetMinutes) {
        return sessionStart().map(start -> start.plusSeconds(60L * timeOffsetMinutes));
    }

    @Override
    public CgmsCharacteristic characteristic() {
        return CgmsCharacteristic.SESSION_START_TIME;
    }
}
