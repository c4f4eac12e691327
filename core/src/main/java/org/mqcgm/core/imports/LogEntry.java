package org.mqcgm.core.imports;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A logbook check-in read from a file or a Nightscout treatment, in the logbook API's own shape without its time:
 * {@code kind} meal / insulin / exercise / fingerstick / note and the kind's fields ({@code carbs}; {@code units},
 * {@code insulinType}; {@code minutes}, {@code intensity}; {@code value}, {@code unit}; and {@code note} on any kind).
 * Numbers are {@link BigDecimal} or {@link Integer}, texts {@link String}. The values are already inside the logbook's
 * ranges (carbs 0–1000 g, insulin 0.05–300 units in steps of 0.05, exercise 1–1440 minutes, a note of at most 2000
 * characters), so the logbook accepts what a parser makes unless it changes its rules.
 *
 * @param kind   the check-in's kind
 * @param fields the kind's fields, in a stable order
 */
public record LogEntry(String kind, Map<String, Object> fields) {

    /** The longest note the logbook keeps. */
    public static final int MAX_NOTE = 2000;

    public LogEntry {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The main amount for a duplicate check and a summary (carbs, units, minutes, value), or null for a note. */
    public Object amount() {
        return switch (kind) {
            case "meal" -> fields.get("carbs");
            case "insulin" -> fields.get("units");
            case "exercise" -> fields.get("minutes");
            case "fingerstick" -> fields.get("value");
            default -> null;
        };
    }

    /** The same entry with {@code note} set (or replaced). */
    public LogEntry withNote(String note) {
        Map<String, Object> f = new LinkedHashMap<>(fields);
        f.put("note", note);
        return new LogEntry(kind, f);
    }

    static LogEntry meal(BigDecimal grams) {
        return new LogEntry("meal", Map.of("carbs", plain(grams.min(BigDecimal.valueOf(1000)))));
    }

    /** Insulin in units, rounded to the logbook's step of 0.05; null when that leaves nothing. */
    static LogEntry insulin(BigDecimal units, String type) {
        BigDecimal u = units.min(BigDecimal.valueOf(300)).multiply(BigDecimal.valueOf(20))
                .setScale(0, RoundingMode.HALF_UP).divide(BigDecimal.valueOf(20));
        u = plain(u);
        if (u.signum() <= 0) {
            return null;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("units", u);
        f.put("insulinType", type);
        return new LogEntry("insulin", f);
    }

    static LogEntry exercise(int minutes, String intensity) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("minutes", Math.max(1, Math.min(1440, minutes)));
        if (intensity != null) {
            f.put("intensity", intensity);
        }
        return new LogEntry("exercise", f);
    }

    /** A meter reading: mg/dL as a whole number, mmol/L with one decimal. */
    static LogEntry fingerstick(BigDecimal value, String unit) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("value", plain(value));
        f.put("unit", unit);
        return new LogEntry("fingerstick", f);
    }

    static LogEntry note(String text) {
        return new LogEntry("note", Map.of("note", text));
    }

    /**
     * A note's text fit to keep: control characters other than line breaks and tabs removed, stripped, at most
     * {@link #MAX_NOTE} characters; empty when nothing is left.
     */
    static String noteText(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_NOTE));
        for (int k = 0; k < text.length() && b.length() < MAX_NOTE; k++) {
            char c = text.charAt(k);
            if (!Character.isISOControl(c) || c == '\n' || c == '\t') {
                b.append(c);
            }
        }
        return b.toString().strip();
    }

    /** Without trailing zeros, never in exponent form (30.0 → 30, 4.50 → 4.5). */
    static BigDecimal plain(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    /** A positive number from parsed JSON ({@link Number}), or null. */
    static BigDecimal positive(Object value) {
        if (!(value instanceof Number n)) {
            return null;
        }
        if (n instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return null;
        }
        BigDecimal v = n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
        return v.signum() > 0 && v.compareTo(BigDecimal.valueOf(1_000_000)) < 0 ? v : null;
    }
}
