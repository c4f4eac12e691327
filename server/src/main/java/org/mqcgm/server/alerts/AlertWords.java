package org.mqcgm.server.alerts;

import java.util.Locale;
import java.util.Map;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;

/**
 * An alert in plain words, in the wearer's language and glucose unit, worded from its stored inputs (the same
 * sentence {@code AlertRules.Trigger.why()} gives in English and mg/dL, which is kept with the alert).
 */
final class AlertWords {

    private AlertWords() {
    }

    /** The alert's name ("Urgent low"). */
    static String title(String kind, Language language) {
        return Messages.of(language).t("alerts.kind." + kind);
    }

    /** Why it was raised. */
    static String why(String kind, Map<String, Number> in, Language language, GlucoseUnit unit) {
        Messages m = Messages.of(language);
        String key = "alerts.why." + kind;
        if (one(in.get("belowSensorRange")) || one(in.get("aboveSensorRange"))) {
            key += ".sensor";
        }
        return m.t(key, glucose(in.get("mgdl"), unit), glucose(in.get("thresholdMgdl"), unit),
                rate(in.get("ratePerMinute"), unit), rate(in.get("thresholdRate"), unit),
                glucose(in.get("predictedMgdl"), unit), plain(in.get("horizonMinutes")),
                plain(in.get("minutesWithoutReading")), plain(in.get("thresholdMinutes")),
                plain(in.get("hoursLeft")));
    }

    /** A glucose value in the unit with its symbol ("54 mg/dL", "3.0 mmol/L"). */
    static String glucose(Number mgdl, GlucoseUnit unit) {
        return mgdl == null ? "" : unit.format(mgdl.intValue()) + " " + unit.symbol();
    }

    private static String rate(Number perMinute, GlucoseUnit unit) {
        if (perMinute == null) {
            return "";
        }
        double v = Math.abs(unit.fromMgdl(perMinute.doubleValue()));
        return String.format(Locale.ROOT, unit == GlucoseUnit.MG_DL ? "%.1f" : "%.2f", v) + " " + unit.symbol();
    }

    private static String plain(Number n) {
        return n == null ? "" : Long.toString(n.longValue());
    }

    private static boolean one(Number n) {
        return n != null && n.intValue() == 1;
    }
}
