package org.mqcgm.core.ble;

import java.util.Objects;
import java.util.Optional;

/**
 * One CGM Measurement record (ble-cgms.md §1.1).
 *
 * <pre>
 * Size(1) Flags(1) Glucose SFLOAT(2) TimeOffset uint16(2)
 * [warning octet (0x20)] [cal/temp octet (0x40)] [status octet (0x80)]
 * [trend SFLOAT (0x01)] [quality SFLOAT (0x02)] [E2E-CRC(2), not flagged]
 * </pre>
 *
 * The Flags byte is derived from which optional fields are present; bits 2–4 are reserved and never
 * set. Note the field order differs from the flag bit order: annunciation octets (bits 5–7) come
 * before trend (bit 0) and quality (bit 1). CRC presence is not flagged: it is implied by
 * {@code Size == base + 2}.
 *
 * @param glucoseConcentration glucose in mg/dL (may be NaN, NRes, ±INFINITY)
 * @param timeOffsetMinutes    minutes since Session Start Time, 0..65535
 * @param annunciation         sensor status annunciation octets present in this record
 * @param trend                CGM Trend Information in (mg/dL)/min, flag 0x01
 * @param quality              CGM Quality in percent, flag 0x02
 * @param crcPresent           whether the record carries an E2E-CRC
 */
public record CgmMeasurement(
        SFloat glucoseConcentration,
        int timeOffsetMinutes,
        SensorStatusAnnunciation annunciation,
        Optional<SFloat> trend,
        Optional<SFloat> quality,
        boolean crcPresent) {

    public static final int FLAG_TREND = 0x01;
    public static final int FLAG_QUALITY = 0x02;
    /** Flags bits 2–4, reserved. */
    public static final int FLAGS_RESERVED = 0x1C;
    public static final int FLAG_WARNING = 0x20;
    public static final int FLAG_CAL_TEMP = 0x40;
    public static final int FLAG_STATUS = 0x80;
    /** Smallest record: Size, Flags, glucose, time offset. */
    public static final int MIN_SIZE = 6;

    public CgmMeasurement {
        Objects.requireNonNull(glucoseConcentration, "glucoseConcentration");
        Objects.requireNonNull(annunciation, "annunciation");
        Objects.requireNonNull(trend, "trend");
        Objects.requireNonNull(quality, "quality");
        if (timeOffsetMinutes < 0 || timeOffsetMinutes > 0xFFFF) {
            throw new IllegalArgumentException("time offset out of range 0..65535: " + timeOffsetMinutes);
        }
    }

    /** A record with only glucose and time offset, no CRC. */
    public static CgmMeasurement of(SFloat glucose, int timeOffsetMinutes) {
        return new CgmMeasurement(glucose, timeOffsetMinutes, SensorStatusAnnunciation.NONE,
                Optional.empty(), Optional.empty(), false);
    }

    public CgmMeasurement withTrend(SFloat value) {
        return new CgmMeasurement(glucoseConcentration, timeOffsetMinutes, annunciation, Optional.of(value), quality, crcPresent);
    }

    public CgmMeasurement withQuality(SFloat value) {
        return new CgmMeasurement(glucoseConcentration, timeOffsetMinutes, annunciation, trend, Optional.of(value), crcPresent);
    }

    public CgmMeasurement withAnnunciation(SensorStatusAnnunciation value) {
        return new CgmMeasurement(glucoseConcentration, timeOffsetMinutes, value, trend, quality, crcPresent);
    }

    public CgmMeasurement withCrc(boolean value) {
        return new CgmMeasurement(glucoseConcentration, timeOffsetMinutes, annunciation, trend, quality, value);
    }

    /** The Flags byte this record is encoded with. */
    public int flags() {
        return (trend.isPresent() ? FLAG_TREND : 0) | (quality.isPresent() ? FLAG_QUALITY : 0)
                | annunciation.measurementFlags();
    }

    /** Record size without CRC implied by {@code flags} (ble-cgms.md §1.1 "base"). */
    public static int baseSize(int flags) {
        return MIN_SIZE
                + ((flags & FLAG_TREND) != 0 ? 2 : 0)
                + ((flags & FLAG_QUALITY) != 0 ? 2 : 0)
                + ((flags & FLAG_WARNING) != 0 ? 1 : 0)
                + ((flags & FLAG_CAL_TEMP) != 0 ? 1 : 0)
                + ((flags & FLAG_STATUS) != 0 ? 1 : 0);
    }

    /** The Size byte: total record length including Size and CRC (6..15). */
    public int size() {
        return baseSize(flags()) + (crcPresent ? 2 : 0);
    }
}
