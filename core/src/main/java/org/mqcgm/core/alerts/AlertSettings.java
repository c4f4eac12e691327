package org.mqcgm.core.alerts;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A wearer's alert rules, in mg/dL (the app shows them in the wearer's unit). The urgent low is fixed and always on;
 * everything else can be adjusted or turned off. Quiet hours silence every alert but the urgent low and the signal loss.
 *
 * @param enabled           the kinds turned on ({@link AlertKind#URGENT_LOW} is on whatever this says)
 * @param lowMgdl           the low alert's threshold
 * @param highMgdl          the high alert's threshold
 * @param riseRate          mg/dL per minute that counts as rising fast
 * @param fallRate          mg/dL per minute that counts as falling fast (a positive number)
 * @param predictionMinutes how far ahead the predicted low looks
 * @param signalLossMinutes how long without a reading is a signal loss
 * @param quietFrom         start of quiet hours (local time), or null for none
 * @param quietTo           end of quiet hours (local time, exclusive; before {@code quietFrom} when they span
 *                          midnight)
 */
public record AlertSettings(Set<AlertKind> enabled, int lowMgdl, int highMgdl, double riseRate, double fallRate,
                            int predictionMinutes, int signalLossMinutes, LocalTime quietFrom, LocalTime quietTo) {

    /** The urgent low: 55 mg/dL (3.0 mmol/L), the consensus level 2 hypoglycaemia. */
    public static final int URGENT_LOW_MGDL = 55;

    public AlertSettings {
        enabled = enabled.isEmpty() ? EnumSet.noneOf(AlertKind.class) : EnumSet.copyOf(enabled);
        enabled.add(AlertKind.URGENT_LOW);
        enabled = Set.copyOf(enabled);
    }

    /** The defaults: low 70, high 250, rise and fall 3 mg/dL/min (off), predicted low in 20 min, signal loss 20 min. */
    public static AlertSettings defaults() {
        return new AlertSettings(EnumSet.of(AlertKind.URGENT_LOW, AlertKind.LOW, AlertKind.HIGH,
                AlertKind.PREDICTED_LOW, AlertKind.SIGNAL_LOSS), 70, 250, 3.0, 3.0, 20, 20, null, null);
    }

    public boolean on(AlertKind kind) {
        return enabled.contains(kind);
    }

    /** One broken rule of a setting: the field, the rule's name and what is allowed. */
    public record Problem(String field, String rule, String message) {
    }

    /** What is wrong with these settings (empty when they can be used). */
    public List<Problem> problems() {
        List<Problem> out = new ArrayList<>();
        if (lowMgdl < URGENT_LOW_MGDL || lowMgdl > 150) {
            out.add(new Problem("low", "range", "must be from " + URGENT_LOW_MGDL + " to 150 mg/dL"));
        }
        if (highMgdl < 100 || highMgdl > 400) {
            out.add(new Problem("high", "range", "must be from 100 to 400 mg/dL"));
        }
        if (lowMgdl >= highMgdl) {
            out.add(new Problem("low", "below-high", "must be below the high alert's threshold"));
        }
        if (!(riseRate >= 1 && riseRate <= 10)) {
            out.add(new Problem("riseRate", "range", "must be from 1 to 10 mg/dL per minute"));
        }
        if (!(fallRate >= 1 && fallRate <= 10)) {
            out.add(new Problem("fallRate", "range", "must be from 1 to 10 mg/dL per minute"));
        }
        if (predictionMinutes < 5 || predictionMinutes > 60) {
            out.add(new Problem("predictionMinutes", "range", "must be from 5 to 60 minutes"));
        }
        if (signalLossMinutes < 10 || signalLossMinutes > 240) {
            out.add(new Problem("signalLossMinutes", "range", "must be from 10 to 240 minutes"));
        }
        if ((quietFrom == null) != (quietTo == null)) {
            out.add(new Problem(quietFrom == null ? "quietFrom" : "quietTo", "required",
                    "quiet hours need a start and an end"));
        } else if (quietFrom != null && quietFrom.equals(quietTo)) {
            out.add(new Problem("quietTo", "after-start", "must differ from the start"));
        }
        return out;
    }

    /** Whether a local time is inside the quiet hours (which may span midnight). */
    public boolean quiet(LocalTime t) {
        if (quietFrom == null) {
            return false;
        }
        return quietFrom.isBefore(quietTo) ? !t.isBefore(quietFrom) && t.isBefore(quietTo)
                : !t.isBefore(quietFrom) || t.isBefore(quietTo);
    }
}
