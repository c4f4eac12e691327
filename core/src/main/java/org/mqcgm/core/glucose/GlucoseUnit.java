package org.mqcgm.core.glucose;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Optional;

/**
 * The two units glucose is shown in. Values are stored as integer mg/dL; mmol/L exists only at the edges
 * (input conversion and display).
 *
 * <p>The conversion factor 18.0182 mg/dL per mmol/L is the molar mass of glucose (180.182 g/mol) divided by 10.
 * Other tools use 18, 18.016 or 18.02 (docs/spec/metrics.md, ambiguity A1); we use 18.0182 everywhere so that a
 * value shown in mmol/L and converted back lands on the same mg/dL integer.
 */
public enum GlucoseUnit {
    MG_DL("mg/dL"),
    MMOL_L("mmol/L");

    /** mg/dL per mmol/L. */
    public static final double MGDL_PER_MMOLL = 18.0182;

    private final String symbol;

    GlucoseUnit(String symbol) {
        this.symbol = symbol;
    }

    /** The unit's symbol as clinicians write it: {@code mg/dL} or {@code mmol/L}. */
    public String symbol() {
        return symbol;
    }

    /** Parses a unit symbol, case-insensitively ("mg/dl", "MMOL/L", "mgdl" and "mmol" are accepted). */
    public static Optional<GlucoseUnit> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        return switch (t) {
            case "mg/dl", "mgdl", "mg_dl" -> Optional.of(MG_DL);
            case "mmol/l", "mmol", "mmoll", "mmol_l" -> Optional.of(MMOL_L);
            default -> Optional.empty();
        };
    }

    /** Converts a value in this unit to mg/dL without rounding. */
    public double toMgdl(double value) {
        return this == MG_DL ? value : value * MGDL_PER_MMOLL;
    }

    /** Converts a mg/dL value to this unit without rounding ({@code x / 18.0182} for mmol/L). */
    public double fromMgdl(double mgdl) {
        return this == MG_DL ? mgdl : mgdl / MGDL_PER_MMOLL;
    }

    /** Converts a value in this unit to the nearest integer mg/dL (half up), the form readings are stored in. */
    public int toStoredMgdl(double value) {
        return (int) Math.round(toMgdl(value));
    }

    /** Converts integer mg/dL to mmol/L rounded to one decimal (half up), the display precision. */
    public static BigDecimal mmolForDisplay(int mgdl) {
        return BigDecimal.valueOf(mgdl / MGDL_PER_MMOLL).setScale(1, RoundingMode.HALF_UP);
    }

    /** Formats a stored mg/dL value in this unit: an integer for mg/dL, one decimal for mmol/L. */
    public String format(int mgdl) {
        return this == MG_DL ? Integer.toString(mgdl) : mmolForDisplay(mgdl).toPlainString();
    }
}
