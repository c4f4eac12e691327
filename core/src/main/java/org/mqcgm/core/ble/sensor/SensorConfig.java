package org.mqcgm.core.ble.sensor;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a virtual sensor behaves.
 *
 * @param address                 its BLE address
 * @param name                    advertised local name
 * @param intervalMinutes         measurement interval, 1 or 5
 * @param e2eCrc                  CGM Feature bit 12: every value carries an E2E-CRC
 * @param warmUp                  no measurements for this long after Start Session
 * @param runTimeHours            Session Run Time; measuring stops after it (0 = unlimited)
 * @param capacity                records kept; the oldest is dropped beyond it
 * @param trend                   whether records carry CGM Trend Information (feature bit 15)
 * @param calibrationRequiredAfter sets "calibration required" this long into a session (until a calibration)
 * @param batteryLowAfter         sets "device battery low" this long into a session
 * @param source                  glucose values
 */
public record SensorConfig(String address, String name, int intervalMinutes, boolean e2eCrc, Duration warmUp,
                           int runTimeHours, int capacity, boolean trend, Optional<Duration> calibrationRequiredAfter,
                           Optional<Duration> batteryLowAfter, GlucoseSource source) {

    public SensorConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(warmUp, "warmUp");
        Objects.requireNonNull(calibrationRequiredAfter, "calibrationRequiredAfter");
        Objects.requireNonNull(batteryLowAfter, "batteryLowAfter");
        Objects.requireNonNull(source, "source");
        if (intervalMinutes != 1 && intervalMinutes != 5) {
            throw new IllegalArgumentException("measurement interval must be 1 or 5 minutes: " + intervalMinutes);
        }
        if (runTimeHours < 0 || runTimeHours > 0xFFFF) {
            throw new IllegalArgumentException("run time out of range 0..65535 h: " + runTimeHours);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
    }

    /** A 5-minute sensor with E2E-CRC, no warm-up, 14-day run time, trend, 14 days of storage. */
    public static SensorConfig defaults(String address, GlucoseSource source) {
        return new SensorConfig(address, "mqcgm sim", 5, true, Duration.ZERO, 14 * 24, 14 * 24 * 60, true,
                Optional.empty(), Optional.empty(), source);
    }

    public SensorConfig withInterval(int minutes) {
        return new SensorConfig(address, name, minutes, e2eCrc, warmUp, runTimeHours, capacity, trend,
                calibrationRequiredAfter, batteryLowAfter, source);
    }

    public SensorConfig withE2eCrc(boolean value) {
        return new SensorConfig(address, name, intervalMinutes, value, warmUp, runTimeHours, capacity, trend,
                calibrationRequiredAfter, batteryLowAfter, source);
    }

    public SensorConfig withWarmUp(Duration value) {
        return new SensorConfig(address, name, intervalMinutes, e2eCrc, value, runTimeHours, capacity, trend,
                calibrationRequiredAfter, batteryLowAfter, source);
    }

    public SensorConfig withRunTimeHours(int value) {
        return new SensorConfig(address, name, intervalMinutes, e2eCrc, warmUp, value, capacity, trend,
                calibrationRequiredAfter, batteryLowAfter, source);
    }

    public SensorConfig withCapacity(int value) {
        return new SensorConfig(address, name, intervalMinutes, e2eCrc, warmUp, runTimeHours, value, trend,
                calibrationRequiredAfter, batteryLowAfter, source);
    }

    public SensorConfig withTrend(boolean value) {
        return new SensorConfig(address, name, intervalMinutes, e2eCrc, warmUp, runTimeHours, capacity, value,
                calibrationRequiredAfter, batteryLowAfter, source);
    }

    public SensorConfig withCalibrationRequiredAfter(Duration value) {
        return new SensorConfig(address, name, intervalMinutes, e2eCrc, warmUp, runTimeHours, capacity, trend,
                Optional.of(value), batteryLowAfter, source);
    }

    public SensorConfig withBatteryLowAfter(Duration value) {
        return new SensorConfig(address, name, intervalMinutes, e2eCrc, warmUp, runTimeHours, capacity, trend,
                calibrationRequiredAfter, Optional.of(value), source);
    }

    public SensorConfig withSource(GlucoseSource value) {
        return new SensorConfig(address, name, intervalMinutes, e2eCrc, warmUp, runTimeHours, capacity, trend,
                calibrationRequiredAfter, batteryLowAfter, value);
    }

    /** The advertisement of this sensor: CGMS, Device Information and Battery. */
    public Advertisement advertisement() {
        return new Advertisement(address, name, java.util.List.of(0x181F, 0x180A, 0x180F), -55);
    }
}
