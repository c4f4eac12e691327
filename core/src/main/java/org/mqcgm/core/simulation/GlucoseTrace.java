package org.mqcgm.core.simulation;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic, physiologically plausible glucose trace for a person with type 1 diabetes.
 *
 * <p>The trace is a pure function of the instant, the seed and the wearer's time zone: asking twice for the same
 * instant gives the same value, and a demo restarted a day later continues the same person's life. Each local day
 * draws its own events from a generator seeded by (seed, date):
 * <ul>
 *   <li>three meals (and sometimes a snack) at jittered local times, each with a bolus whose size is off by up to
 *       ±30 % and whose timing varies — the usual source of post-meal highs and late lows;</li>
 *   <li>a dawn phenomenon (rise between 04:00 and 08:00);</li>
 *   <li>on some nights a nocturnal low (too much basal insulin), on some afternoons exercise;</li>
 *   <li>a slowly wandering baseline and correlated sensor noise.</li>
 * </ul>
 * Carbohydrate and insulin action use the cumulative form of the "exponential" activity curve
 * {@code 1 − (1 + τ/τp)·e^(−τ/τp)} with peaks at 40 min (carbs) and 75 min (rapid insulin). Both decay back to the
 * baseline after four hours, which stands in for basal insulin and counter-regulation. The result is clamped to
 * the 40–400 mg/dL range typical sensors report.
 */
public final class GlucoseTrace {

    /** Typical sensor reporting limits; values beyond are reported as Low/High at the limit. */
    public static final int SENSOR_LOW = 40;
    public static final int SENSOR_HIGH = 400;

    private static final double CARB_PEAK_MIN = 40;
    private static final double INSULIN_PEAK_MIN = 75;
    /** Insulin sensitivity (mg/dL per unit) and insulin-to-carb ratio (g per unit). */
    private static final double ISF = 45;
    private static final double ICR = 10;
    private static final double CARB_SENSITIVITY = ISF / ICR;

    private final long seed;
    private final ZoneId zone;

    /**
     * @param seed selects the person; the same seed always gives the same trace
     * @param zone the wearer's home time zone (meals happen at local clock times)
     */
    public GlucoseTrace(long seed, ZoneId zone) {
        this.seed = seed;
        this.zone = zone;
    }

    /** The sensor glucose at an instant, rounded to integer mg/dL and clamped to the sensor's range. */
    public int mgdlAt(Instant t) {
        long v = Math.round(exactAt(t));
        return (int) Math.max(SENSOR_LOW, Math.min(SENSOR_HIGH, v));
    }

    /** The unrounded, unclamped model value, for tests of the model itself. */
    double exactAt(Instant t) {
        LocalDate today = t.atZone(zone).toLocalDate();
        double g = baseline(t);
        for (LocalDate d = today.minusDays(1); !d.isAfter(today); d = d.plusDays(1)) {
            for (Event e : eventsOf(d)) {
                g += e.effectAt(t);
            }
        }
        return g + noise(t);
    }

    /** The day's events in order; exposed for tests and for explaining the demo data. */
    List<Event> eventsOf(LocalDate date) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + date.toEpochDay());
        List<Event> events = new ArrayList<>();
        meal(events, rnd, date, LocalTime.of(7, 10), 35, 30, 60);
        meal(events, rnd, date, LocalTime.of(12, 30), 40, 40, 80);
        if (rnd.nextDouble() < 0.4) {
            meal(events, rnd, date, LocalTime.of(15, 45), 30, 10, 25);
        }
        meal(events, rnd, date, LocalTime.of(19, 0), 50, 50, 100);
        // Dawn phenomenon: counter-regulatory hormones raise glucose in the early morning.
        events.add(new Event.Bump(at(date, LocalTime.of(6, 0)), 100, 12 + rnd.nextDouble() * 18));
        if (rnd.nextDouble() < 0.3) {
            // Nocturnal hypoglycaemia: too much basal insulin between about 01:30 and 04:00.
            Instant centre = at(date, LocalTime.of(2, 0)).plusSeconds(rnd.nextInt(0, 5400));
            events.add(new Event.Bump(centre, 70, -(75 + rnd.nextDouble() * 25)));
        }
        if (rnd.nextDouble() < 0.3) {
            Instant centre = at(date, LocalTime.of(17, 15)).plusSeconds(rnd.nextInt(0, 3600));
            events.add(new Event.Bump(centre, 45, -(30 + rnd.nextDouble() * 25)));
        }
        return events;
    }

    private void meal(List<Event> events, SplittableRandom rnd, LocalDate date, LocalTime nominal, int jitterMinutes,
                      int minCarbs, int maxCarbs) {
        Instant mealTime = at(date, nominal).plusSeconds(60L * rnd.nextInt(-jitterMinutes, jitterMinutes + 1));
        double carbs = rnd.nextInt(minCarbs, maxCarbs + 1);
        double bolusError = 0.7 + rnd.nextDouble() * 0.6;
        Instant bolusTime = mealTime.plusSeconds(60L * rnd.nextInt(-15, 21));
        events.add(new Event.Carbs(mealTime, carbs));
        events.add(new Event.Insulin(bolusTime, carbs / ICR * bolusError));
    }

    private Instant at(LocalDate date, LocalTime time) {
        return ZonedDateTime.of(date, time, zone).toInstant();
    }

    /** A baseline between about 105 and 150 mg/dL that wanders smoothly from day to day. */
    private double baseline(Instant t) {
        double days = t.getEpochSecond() / 86400.0;
        long d0 = (long) Math.floor(days);
        double f = days - d0;
        double s = f * f * (3 - 2 * f);
        return dayBaseline(d0) * (1 - s) + dayBaseline(d0 + 1) * s;
    }

    private double dayBaseline(long epochDay) {
        return 105 + new SplittableRandom(seed ^ (epochDay * 0xBF58476D1CE4E5B9L)).nextDouble() * 45;
    }

    /**
     * Sensor noise: a Gaussian value per 5-minute slot, smoothed over the previous slots so successive readings are
     * correlated as real sensor error is (standard deviation about 4 mg/dL).
     */
    private double noise(Instant t) {
        long slot = Math.floorDiv(t.getEpochSecond(), 300);
        double[] weights = {0.55, 0.3, 0.2, 0.1};
        double n = 0;
        for (int k = 0; k < weights.length; k++) {
            n += weights[k] * new SplittableRandom(seed * 31 + (slot - k) * 0x94D049BB133111EBL).nextGaussian();
        }
        return 5.5 * n;
    }

    /** Something that moves glucose, as a function of time. */
    sealed interface Event {
        Instant time();

        double effectAt(Instant t);

        /** Carbohydrates eaten: raises glucose as they are absorbed. */
        record Carbs(Instant time, double grams) implements Event {
            @Override
            public double effectAt(Instant t) {
                return grams * CARB_SENSITIVITY * absorbed(minutesSince(time, t), CARB_PEAK_MIN);
            }
        }

        /** A rapid-acting insulin bolus: lowers glucose as it acts. */
        record Insulin(Instant time, double units) implements Event {
            @Override
            public double effectAt(Instant t) {
                return -units * ISF * absorbed(minutesSince(time, t), INSULIN_PEAK_MIN);
            }
        }

        /** A smooth temporary deviation (dawn rise, exercise, basal excess) shaped like a Gaussian bump. */
        record Bump(Instant time, double halfWidthMinutes, double peakMgdl) implements Event {
            @Override
            public double effectAt(Instant t) {
                double x = minutesSince(time, t) / halfWidthMinutes;
                return Math.abs(x) > 4 ? 0 : peakMgdl * Math.exp(-x * x);
            }
        }
    }

    static double minutesSince(Instant start, Instant t) {
        return (t.getEpochSecond() - start.getEpochSecond()) / 60.0;
    }

    /**
     * Fraction of a carb or insulin dose that has acted after {@code tau} minutes, decaying back to zero after four
     * hours so that a mismatched bolus does not shift glucose forever.
     */
    static double absorbed(double tau, double peak) {
        if (tau <= 0) {
            return 0;
        }
        double cumulative = 1 - (1 + tau / peak) * Math.exp(-tau / peak);
        double homeostasis = tau <= 240 ? 1 : Math.exp(-(tau - 240) / 150);
        return cumulative * homeostasis;
    }
}
