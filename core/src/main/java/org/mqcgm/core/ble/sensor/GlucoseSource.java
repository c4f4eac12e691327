package org.mqcgm.core.ble.sensor;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mqcgm.core.ble.SFloat;
import org.mqcgm.core.simulation.GlucoseTrace;

/** Where the virtual sensor's glucose values come from. */
public interface GlucoseSource {

    /**
     * The value of the {@code index}-th measurement of the session (0, 1, 2, …), taken at {@code time}.
     *
     * @return empty when the source has no more values (a replay that reached its end)
     */
    Optional<SFloat> valueAt(int index, Instant time);

    /** The physiological trace of {@link GlucoseTrace}, in whole mg/dL. */
    static GlucoseSource trace(GlucoseTrace trace) {
        return (index, time) -> Optional.of(SFloat.of(trace.mgdlAt(time), 0));
    }

    /** The same value every time (tests). */
    static GlucoseSource constant(SFloat value) {
        return (index, time) -> Optional.of(value);
    }

    /** Replays {@code values} in order, then ends. */
    static GlucoseSource replay(List<SFloat> values) {
        List<SFloat> copy = List.copyOf(values);
        return (index, time) -> index < copy.size() ? Optional.of(copy.get(index)) : Optional.empty();
    }

    /**
     * Parses a replay CSV: one measurement per line, the glucose in mg/dL in the last column (so both
     * {@code 112} and {@code 2026-11-26T08:05:00+08:00,112} work); the special SFLOAT labels {@code NaN},
     * {@code NRes}, {@code +INFINITY}, {@code -INFINITY} are allowed. A first line whose last column is not a
     * number is a header. Blank lines and lines starting with {@code #} are skipped.
     *
     * @throws IllegalArgumentException naming the line of the first value that is not an SFLOAT
     */
    static List<SFloat> parseReplayCsv(String text) {
        List<SFloat> values = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String last = line.substring(line.lastIndexOf(',') + 1).strip();
            try {
                values.add(parseValue(last));
            } catch (IllegalArgumentException e) {
                if (values.isEmpty() && i == firstContentLine(lines)) {
                    continue; // header
                }
                throw new IllegalArgumentException("line " + (i + 1) + ": '" + last + "' is not a glucose value");
            }
        }
        return List.copyOf(values);
    }

    /**
     * An SFLOAT for a typed value: exact when possible ({@code 101.5}), otherwise the nearest representable one
     * ({@code 9999} → 1000·10¹), so out-of-range test values can be sent.
     */
    static SFloat parseValue(String text) {
        for (SFloat.Special s : SFloat.Special.values()) {
            if (s.label().equals(text)) {
                return s;
            }
        }
        BigDecimal v = new BigDecimal(text);
        Optional<SFloat> exact = SFloat.exactly(v);
        if (exact.isPresent()) {
            return exact.get();
        }
        for (int e = 0; e <= 7; e++) {
            BigDecimal m = v.movePointLeft(e).setScale(0, java.math.RoundingMode.HALF_UP);
            if (m.abs().compareTo(BigDecimal.valueOf(2047)) <= 0) {
                return SFloat.of(m.intValueExact(), e);
            }
        }
        throw new IllegalArgumentException("not representable as SFLOAT: " + text);
    }

    private static int firstContentLine(String[] lines) {
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                return i;
            }
        }
        return -1;
    }
}
