package org.mqcgm.core.glucose;

/**
 * The trend arrow shown next to the current glucose. Thresholds in mg/dL per minute follow the convention
 * shared by Dexcom and Nightscout ("direction"): flat within ±1, 45° between 1 and 2, single arrow between 2 and
 * 3, double arrow beyond 3. The Nightscout names are kept so the Nightscout API can map onto this enum.
 */
public enum TrendArrow {
    DOUBLE_UP("DoubleUp", "⇈"),
    SINGLE_UP("SingleUp", "↑"),
    FORTY_FIVE_UP("FortyFiveUp", "↗"),
    FLAT("Flat", "→"),
    FORTY_FIVE_DOWN("FortyFiveDown", "↘"),
    SINGLE_DOWN("SingleDown", "↓"),
    DOUBLE_DOWN("DoubleDown", "⇊"),
    NOT_COMPUTABLE("NOT COMPUTABLE", "");

    private final String nightscoutName;
    private final String symbol;

    TrendArrow(String nightscoutName, String symbol) {
        this.nightscoutName = nightscoutName;
        this.symbol = symbol;
    }

    /** The value of Nightscout's {@code direction} field. */
    public String nightscoutName() {
        return nightscoutName;
    }

    /** The arrow character shown in the user interface (empty when not computable). */
    public String symbol() {
        return symbol;
    }

    /** Classifies a rate of change in mg/dL per minute; NaN yields {@link #NOT_COMPUTABLE}. */
    public static TrendArrow fromRate(double mgdlPerMinute) {
        if (Double.isNaN(mgdlPerMinute)) {
            return NOT_COMPUTABLE;
        }
        double r = mgdlPerMinute;
        if (r > 3) return DOUBLE_UP;
        if (r > 2) return SINGLE_UP;
        if (r > 1) return FORTY_FIVE_UP;
        if (r >= -1) return FLAT;
        if (r >= -2) return FORTY_FIVE_DOWN;
        if (r >= -3) return SINGLE_DOWN;
        return DOUBLE_DOWN;
    }
}
