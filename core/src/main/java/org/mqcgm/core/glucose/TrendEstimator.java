package org.mqcgm.core.glucose;

import java.time.Duration;
import java.util.List;

/**
 * Estimates the current rate of change when the sensor did not report one: the least-squares slope of the
 * readings in the last 15 minutes before the newest reading. At least three readings spanning at least 10 minutes
 * are required, which matches how CGM receivers withhold an arrow after a gap or right after warm-up.
 */
public final class TrendEstimator {

    static final Duration WINDOW = Duration.ofMinutes(15);
    static final Duration MIN_SPAN = Duration.ofMinutes(10);

    private TrendEstimator() {
    }

    /**
     * Returns the slope in mg/dL per minute, or NaN when there is not enough recent data.
     *
     * @param readings readings in ascending time order (only the tail is used)
     */
    public static double ratePerMinute(List<Reading> readings) {
        if (readings.isEmpty()) {
            return Double.NaN;
        }
        Reading last = readings.get(readings.size() - 1);
        long cutoff = last.time().minus(WINDOW).getEpochSecond();
        int n = 0;
        double sumX = 0, sumY = 0, sumXX = 0, sumXY = 0;
        long firstSecond = Long.MAX_VALUE;
        for (int i = readings.size() - 1; i >= 0; i--) {
            Reading r = readings.get(i);
            long s = r.time().getEpochSecond();
            if (s < cutoff) {
                break;
            }
            double x = (s - last.time().getEpochSecond()) / 60.0;
            n++;
            sumX += x;
            sumY += r.mgdl();
            sumXX += x * x;
            sumXY += x * r.mgdl();
            firstSecond = s;
        }
        if (n < 3 || last.time().getEpochSecond() - firstSecond < MIN_SPAN.getSeconds()) {
            return Double.NaN;
        }
        double denominator = n * sumXX - sumX * sumX;
        return denominator == 0 ? Double.NaN : (n * sumXY - sumX * sumY) / denominator;
    }
}
