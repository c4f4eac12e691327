package org.mqcgm.core.ble;

import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Sensor Status Annunciation: three octets, each present independently (ble-cgms.md §1.1 table).
 *
 * <p>On the wire the octets follow the Flags bit order 0x20, 0x40, 0x80, i.e. {@link #warning()}
 * (session stopped, battery low, …), {@link #calTemp()}, then {@link #status()} (result vs. thresholds
 * and rates). Implementations disagree on the octet NAMES (Bluetopia and Wireshark call the 0x20
 * octet "status") but agree on wire positions; the names here follow Nordic Android, keyed by flag
 * bit. Octets are kept raw (0..255) so RFU bits 6–7 of the first two octets survive a round trip;
 * the typed views ignore them.
 *
 * @param warning flag 0x20 octet (annunciation bits 16–23 in the 24-bit numbering)
 * @param calTemp flag 0x40 octet (bits 8–15)
 * @param status  flag 0x80 octet (bits 0–7)
 */
public record SensorStatusAnnunciation(OptionalInt warning, OptionalInt calTemp, OptionalInt status) {

    /** No annunciation octet present. */
    public static final SensorStatusAnnunciation NONE =
            new SensorStatusAnnunciation(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());

    /** Flag-0x20 octet bits. */
    public enum Warning {
        SESSION_STOPPED(0), DEVICE_BATTERY_LOW(1), SENSOR_TYPE_INCORRECT(2), SENSOR_MALFUNCTION(3),
        DEVICE_SPECIFIC_ALERT(4), GENERAL_DEVICE_FAULT(5);

        private final int bit;

        Warning(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }
    }

    /** Flag-0x40 octet bits. */
    public enum CalTemp {
        TIME_SYNCHRONIZATION_REQUIRED(0), CALIBRATION_NOT_ALLOWED(1), CALIBRATION_RECOMMENDED(2),
        CALIBRATION_REQUIRED(3), SENSOR_TEMPERATURE_TOO_HIGH(4), SENSOR_TEMPERATURE_TOO_LOW(5);

        private final int bit;

        CalTemp(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }
    }

    /** Flag-0x80 octet bits. */
    public enum Status {
        RESULT_LOWER_THAN_PATIENT_LOW_LEVEL(0), RESULT_HIGHER_THAN_PATIENT_HIGH_LEVEL(1),
        RESULT_LOWER_THAN_HYPO_LEVEL(2), RESULT_HIGHER_THAN_HYPER_LEVEL(3),
        SENSOR_RATE_OF_DECREASE_EXCEEDED(4), SENSOR_RATE_OF_INCREASE_EXCEEDED(5),
        RESULT_LOWER_THAN_DEVICE_CAN_PROCESS(6), RESULT_HIGHER_THAN_DEVICE_CAN_PROCESS(7);

        private final int bit;

        Status(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }
    }

    public SensorStatusAnnunciation {
        checkOctet("warning", warning);
        checkOctet("calTemp", calTemp);
        checkOctet("status", status);
    }

    private static void checkOctet(String name, OptionalInt octet) {
        if (octet == null) {
            throw new NullPointerException(name);
        }
        if (octet.isPresent() && (octet.getAsInt() < 0 || octet.getAsInt() > 0xFF)) {
            throw new IllegalArgumentException(name + " octet out of range 0..255: " + octet.getAsInt());
        }
    }

    /** All three octets present (as in CGM Status). */
    public static SensorStatusAnnunciation of(int warning, int calTemp, int status) {
        return new SensorStatusAnnunciation(OptionalInt.of(warning), OptionalInt.of(calTemp), OptionalInt.of(status));
    }

    /** All three octets present, built from typed conditions. */
    public static SensorStatusAnnunciation of(Set<Warning> warnings, Set<CalTemp> calTemp, Set<Status> status) {
        int w = 0;
        for (Warning x : warnings) {
            w |= 1 << x.bit;
        }
        int c = 0;
        for (CalTemp x : calTemp) {
            c |= 1 << x.bit;
        }
        int s = 0;
        for (Status x : status) {
            s |= 1 << x.bit;
        }
        return of(w, c, s);
    }

    /** True if all three octets are present. */
    public boolean complete() {
        return warning.isPresent() && calTemp.isPresent() && status.isPresent();
    }

    /** The CGM Measurement Flags bits (0x20/0x40/0x80) for the octets present. */
    public int measurementFlags() {
        return (warning.isPresent() ? CgmMeasurement.FLAG_WARNING : 0)
                | (calTemp.isPresent() ? CgmMeasurement.FLAG_CAL_TEMP : 0)
                | (status.isPresent() ? CgmMeasurement.FLAG_STATUS : 0);
    }

    /** Number of octets on the wire. */
    public int octetCount() {
        return (warning.isPresent() ? 1 : 0) + (calTemp.isPresent() ? 1 : 0) + (status.isPresent() ? 1 : 0);
    }

    public Set<Warning> warnings() {
        EnumSet<Warning> set = EnumSet.noneOf(Warning.class);
        for (Warning x : Warning.values()) {
            if ((warning.orElse(0) & 1 << x.bit) != 0) {
                set.add(x);
            }
        }
        return set;
    }

    public Set<CalTemp> calTempConditions() {
        EnumSet<CalTemp> set = EnumSet.noneOf(CalTemp.class);
        for (CalTemp x : CalTemp.values()) {
            if ((calTemp.orElse(0) & 1 << x.bit) != 0) {
                set.add(x);
            }
        }
        return set;
    }

    public Set<Status> statusConditions() {
        EnumSet<Status> set = EnumSet.noneOf(Status.class);
        for (Status x : Status.values()) {
            if ((status.orElse(0) & 1 << x.bit) != 0) {
                set.add(x);
            }
        }
        return set;
    }
}
