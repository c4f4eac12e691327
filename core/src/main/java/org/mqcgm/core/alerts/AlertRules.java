package org.mqcgm.core.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.glucose.TrendEstimator;

/**
 * Which alerts the newest reading raises, and why. Evaluated on ingest with the wearer's recent readings (the last
 * hour is plenty): every alert belongs to an <em>episode</em> — the run of consecutive readings for which its
 * condition holds, broken by a reading outside it or by a gap of more than {@link #GAP} — and is identified by its
 * kind and the episode's first reading, so a store keyed on (owner, kind, episode start) raises each alert once,
 * however many readings, uploads or server nodes see the episode. Nothing is raised for a newest reading older than
 * {@link #FRESH}: backfilled history does not ring alarms about the past.
 *
 * <p>The rules ({@link #VERSION}):
 * <ul>
 *   <li>urgent low: below {@value AlertSettings#URGENT_LOW_MGDL} mg/dL or the sensor's Low; always on, never
 *       silenced by quiet hours;</li>
 *   <li>low / high: below the low / above the high threshold (the sensor's Low / High count), low only when the
 *       reading is not an urgent low;</li>
 *   <li>rise / fall: the least-squares slope of the last 15 minutes ({@link TrendEstimator}) at least the rate;</li>
 *   <li>predicted low: not low yet, but the same straight line reaches the low threshold within the horizon
 *       (value + slope × horizon below it) — the model's inputs and output are kept with the alert;</li>
 *   <li>signal loss ({@link #signalLoss}): no reading for the signal-loss time, checked by a timer, not on ingest;
 *       like the urgent low never silenced by quiet hours (without readings an urgent low cannot be seen).</li>
 * </ul>
 */
public final class AlertRules {

    /** Stored with every alert, so an explanation names the rules that decided it. */
    public static final String VERSION = "alert-rules/1";
    /** A newest reading older than this raises nothing (backfill). */
    public static final Duration FRESH = Duration.ofMinutes(10);
    /** A gap longer than this between two readings ends an episode. */
    public static final Duration GAP = Duration.ofMinutes(15);

    private AlertRules() {
    }

    /**
     * One alert raised.
     *
     * @param at           the time of the reading that raised it (for signal loss: when the signal-loss time passed)
     * @param episodeStart the first reading of its episode: with the kind, what makes it the same alert
     * @param inputs       what decided it, in mg/dL, mg/dL per minute and minutes
     * @param quiet        inside the wearer's quiet hours (kept, shown, but not sounded); never for an urgent low
     */
    public record Trigger(AlertKind kind, Instant at, Instant episodeStart, Map<String, Number> inputs,
                          boolean quiet) {

        public Trigger {
            inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        }

        /** The rules' version ({@link #VERSION}). */
        public String ruleVersion() {
            return VERSION;
        }

        /** Why, in plain English words and mg/dL (the server words it in the wearer's language and unit). */
        public String why() {
            Number v = inputs.get("mgdl");
            String value = v == null ? "" : v + " mg/dL";
            return switch (kind) {
                case URGENT_LOW -> belowSensor() ? "Glucose is below what the sensor can measure, under the urgent low "
                        + "of " + inputs.get("thresholdMgdl") + " mg/dL."
                        : "Glucose " + value + " is below the urgent low of " + inputs.get("thresholdMgdl") + " mg/dL.";
                case LOW -> "Glucose " + value + " is below your low alert of " + inputs.get("thresholdMgdl")
                        + " mg/dL.";
                case HIGH -> aboveSensor() ? "Glucose is above what the sensor can measure, over your high alert of "
                        + inputs.get("thresholdMgdl") + " mg/dL."
                        : "Glucose " + value + " is above your high alert of " + inputs.get("thresholdMgdl") + " mg/dL.";
                case RISE -> "Glucose " + value + " is rising " + rate("ratePerMinute") + " mg/dL per minute over the "
                        + "last 15 minutes, at least your rise alert's " + rate("thresholdRate") + ".";
                case FALL -> "Glucose " + value + " is falling " + rate("ratePerMinute") + " mg/dL per minute over "
                        + "the last 15 minutes, at least your fall alert's " + rate("thresholdRate") + ".";
                case PREDICTED_LOW -> "Glucose " + value + ", falling " + rate("ratePerMinute") + " mg/dL per minute,"
                        + " would be " + inputs.get("predictedMgdl") + " mg/dL in " + inputs.get("horizonMinutes")
                        + " minutes if it went on in a straight line (the trend of the last 15 minutes): below your"
                        + " low alert of " + inputs.get("thresholdMgdl") + " mg/dL.";
                case SIGNAL_LOSS -> "No reading for " + inputs.get("minutesWithoutReading") + " minutes (your "
                        + "signal-loss alert is " + inputs.get("thresholdMinutes") + " minutes).";
            };
        }

        private boolean belowSensor() {
            return Integer.valueOf(1).equals(inputs.get("belowSensorRange"));
        }

        private boolean aboveSensor() {
            return Integer.valueOf(1).equals(inputs.get("aboveSensorRange"));
        }

        private String rate(String key) {
            return String.format(Locale.ROOT, "%.1f", Math.abs(inputs.get(key).doubleValue()));
        }
    }

    /**
     * The alerts the newest of {@code readings} raises.
     *
     * @param readings the wearer's recent readings in ascending time order (the newest last)
     * @param now      the server's time: a newest reading older than {@link #FRESH} raises nothing
     */
    public static List<Trigger> onReadings(List<Reading> readings, AlertSettings s, Instant now) {
        List<Trigger> out = new ArrayList<>();
        if (readings.isEmpty()) {
            return out;
        }
        Reading newest = readings.get(readings.size() - 1);
        if (newest.time().isBefore(now.minus(FRESH))) {
            return out;
        }
        boolean quiet = s.quiet(newest.localTime().toLocalTime());
        boolean urgent = urgentLow(newest);
        if (urgent) {
            out.add(new Trigger(AlertKind.URGENT_LOW, newest.time(), episodeStart(readings, i -> urgentLow(readings
                    .get(i))), threshold(newest, AlertSettings.URGENT_LOW_MGDL), false));
        }
        if (s.on(AlertKind.LOW) && !urgent && below(newest, s.lowMgdl())) {
            out.add(new Trigger(AlertKind.LOW, newest.time(), episodeStart(readings, i -> below(readings.get(i),
                    s.lowMgdl())), threshold(newest, s.lowMgdl()), quiet));
        }
        if (s.on(AlertKind.HIGH) && above(newest, s.highMgdl())) {
            out.add(new Trigger(AlertKind.HIGH, newest.time(), episodeStart(readings, i -> above(readings.get(i),
                    s.highMgdl())), threshold(newest, s.highMgdl()), quiet));
        }
        double rate = rateAt(readings, readings.size() - 1);
        if (s.on(AlertKind.RISE) && rate >= s.riseRate()) {
            out.add(new Trigger(AlertKind.RISE, newest.time(), episodeStart(readings, i -> rateAt(readings, i)
                    >= s.riseRate()), rateInputs(newest, rate, s.riseRate()), quiet));
        }
        if (s.on(AlertKind.FALL) && rate <= -s.fallRate()) {
            out.add(new Trigger(AlertKind.FALL, newest.time(), episodeStart(readings, i -> rateAt(readings, i)
                    <= -s.fallRate()), rateInputs(newest, rate, s.fallRate()), quiet));
        }
        if (s.on(AlertKind.PREDICTED_LOW) && predictsLow(readings, readings.size() - 1, s)) {
            Map<String, Number> in = new LinkedHashMap<>();
            in.put("mgdl", newest.mgdl());
            in.put("ratePerMinute", round2(rate));
            in.put("horizonMinutes", s.predictionMinutes());
            in.put("predictedMgdl", (int) Math.round(newest.mgdl() + rate * s.predictionMinutes()));
            in.put("thresholdMgdl", s.lowMgdl());
            out.add(new Trigger(AlertKind.PREDICTED_LOW, newest.time(), episodeStart(readings, i -> predictsLow(
                    readings, i, s)), in, quiet));
        }
        return out;
    }

    /**
     * A signal loss: the last reading is at least the signal-loss time old. Its episode starts at the last reading,
     * so it is raised once per silence.
     *
     * @param last the time of the newest reading the wearer has
     */
    public static Optional<Trigger> signalLoss(Instant last, java.time.ZoneOffset offset, AlertSettings s,
                                               Instant now) {
        if (!s.on(AlertKind.SIGNAL_LOSS) || last == null) {
            return Optional.empty();
        }
        Duration silent = Duration.between(last, now);
        if (silent.compareTo(Duration.ofMinutes(s.signalLossMinutes())) < 0) {
            return Optional.empty();
        }
        Map<String, Number> in = new LinkedHashMap<>();
        in.put("minutesWithoutReading", silent.toMinutes());
        in.put("thresholdMinutes", s.signalLossMinutes());
        Instant due = last.plus(Duration.ofMinutes(s.signalLossMinutes()));
        // Never quiet: without readings an urgent low cannot be seen, so the silence itself must be heard — quiet
        // hours are when lows are most dangerous and least noticed.
        return Optional.of(new Trigger(AlertKind.SIGNAL_LOSS, due, last, in, false));
    }

    private static boolean urgentLow(Reading r) {
        return below(r, AlertSettings.URGENT_LOW_MGDL);
    }

    private static boolean below(Reading r, int threshold) {
        return r.marker() == Reading.Marker.LOW || r.marker() == Reading.Marker.VALUE && r.mgdl() < threshold;
    }

    private static boolean above(Reading r, int threshold) {
        return r.marker() == Reading.Marker.HIGH || r.marker() == Reading.Marker.VALUE && r.mgdl() > threshold;
    }

    /** The slope of the 15 minutes up to reading {@code i} (NaN without enough of them). */
    private static double rateAt(List<Reading> readings, int i) {
        return TrendEstimator.ratePerMinute(readings.subList(0, i + 1));
    }

    private static boolean predictsLow(List<Reading> readings, int i, AlertSettings s) {
        Reading r = readings.get(i);
        if (r.marker() != Reading.Marker.VALUE || below(r, s.lowMgdl())) {
            return false;
        }
        double rate = rateAt(readings, i);
        return rate < 0 && r.mgdl() + rate * s.predictionMinutes() < s.lowMgdl();
    }

    /** The first reading of the run ending at the newest for which {@code holds} is true, without long gaps. */
    private static Instant episodeStart(List<Reading> readings, IntPredicate holds) {
        int i = readings.size() - 1;
        while (i > 0 && holds.test(i - 1)
                && Duration.between(readings.get(i - 1).time(), readings.get(i).time()).compareTo(GAP) <= 0) {
            i--;
        }
        return readings.get(i).time();
    }

    private static Map<String, Number> threshold(Reading r, int threshold) {
        Map<String, Number> in = new LinkedHashMap<>();
        in.put("mgdl", r.mgdl());
        in.put("thresholdMgdl", threshold);
        if (r.marker() == Reading.Marker.LOW) {
            in.put("belowSensorRange", 1);
        } else if (r.marker() == Reading.Marker.HIGH) {
            in.put("aboveSensorRange", 1);
        }
        return in;
    }

    private static Map<String, Number> rateInputs(Reading r, double rate, double threshold) {
        Map<String, Number> in = new LinkedHashMap<>();
        in.put("mgdl", r.mgdl());
        in.put("ratePerMinute", round2(rate));
        in.put("thresholdRate", threshold);
        return in;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
