package org.mqcgm.core.metrics;

/**
 * Unit of a glucose concentration. All metric arithmetic happens in mg/dL; mmol/L input is converted
 * once, before preprocessing, and mmol/L outputs are derived by division (spec section 0).
 */
public enum GlucoseUnit {
    /** Milligrams per decilitre, the internal unit. */
    MG_DL("mg/dL"),
    /** Millimoles per litre. */
    MMOL_L("mmol/L");

    /**
     * Conversion factor mg/dL per mmol/L used by the reference oracle (ambiguity A1). Other tools use 18,
     * 18.016 or 18.02; the differences are below 0.02 % and well inside sensor accuracy.
     */
    public static final double MGDL_PER_MMOL = 18.0182;

    private final String label;

    GlucoseUnit(String label) {
        this.label = label;
    }

    /** The label used in reports and in the expected JSON ({@code "mg/dL"}, {@code "mmol/L"}). */
    public String label() {
        return label;
    }

    /** Converts a value expressed in this unit to mg/dL ({@code x * 18.0182} for mmol/L). */
    public double toMgdl(double value) {
        return this == MG_DL ? value : value * MGDL_PER_MMOL;
    }

    /** Converts a mg/dL value to this unit ({@code x / 18.0182} for mmol/L). */
    public double fromMgdl(double mgdl) {
        return this == MG_DL ? mgdl : mgdl / MGDL_PER_MMOL;
    }
}
