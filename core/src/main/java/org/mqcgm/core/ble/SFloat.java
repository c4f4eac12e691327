package org.mqcgm.core.ble;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * IEEE 11073-20601 16-bit SFLOAT ("medfloat16"), ble-cgms.md §2.
 *
 * <p>{@code raw = (exponent & 0xF) << 12 | (mantissa & 0xFFF)}, value = mantissa · 10^exponent, with a
 * 4-bit two's-complement exponent (−8..7) and a 12-bit two's-complement mantissa (−2048..2047).
 * Values are kept as mantissa/exponent, never as binary floating point: 0xF3F7 is exactly 101.5, and
 * {@code 120·10^0} (0x0078) and {@code 12·10^1} (0x100C) stay distinct because the exponent carries
 * the resolution. {@link #decimal()} gives the exact {@link BigDecimal}.
 *
 * <p>Special values are the raw values with exponent 0 listed in ble-cgms.md §2 (as in Wireshark and
 * the nRF Connect SDK, which define them as whole 16-bit codes). Some decoders test the mantissa alone and
 * would call e.g. 0x17FF NaN; here it is the finite value 2047·10^1. 0x0801 is reserved and rejected.
 */
public sealed interface SFloat permits SFloat.Finite, SFloat.Special {

    /** The reserved raw value (exponent 0, mantissa 0x801). */
    int RESERVED = 0x0801;

    /** 16-bit wire value (little-endian on the wire). */
    int raw();

    /** True for an ordinary number, false for NaN / NRes / ±INFINITY. */
    default boolean isFinite() {
        return this instanceof Finite;
    }

    /** The exact value of a finite SFLOAT, empty for special values. */
    default Optional<BigDecimal> decimal() {
        return this instanceof Finite f ? Optional.of(f.value()) : Optional.empty();
    }

    /** A finite SFLOAT: mantissa · 10^exponent. */
    record Finite(int mantissa, int exponent) implements SFloat {
        public Finite {
            if (mantissa < -2048 || mantissa > 2047) {
                throw new IllegalArgumentException("SFLOAT mantissa out of range -2048..2047: " + mantissa);
            }
            if (exponent < -8 || exponent > 7) {
                throw new IllegalArgumentException("SFLOAT exponent out of range -8..7: " + exponent);
            }
            if (exponent == 0 && (mantissa >= 0x7FE || mantissa <= -0x7FE)) {
                throw new IllegalArgumentException(
                        "SFLOAT mantissa " + mantissa + " with exponent 0 is a special or reserved code");
            }
        }

        @Override
        public int raw() {
            return (exponent & 0xF) << 12 | (mantissa & 0xFFF);
        }

        /** Exact value; scale is {@code -exponent} for negative exponents (101.5, 0.30), 0 otherwise (450). */
        public BigDecimal value() {
            return exponent >= 0
                    ? BigDecimal.valueOf(mantissa).scaleByPowerOfTen(exponent).setScale(0)
                    : BigDecimal.valueOf(mantissa, -exponent);
        }

        @Override
        public String toString() {
            return value().toPlainString();
        }
    }

    /** The special values of ble-cgms.md §2 (exponent 0). */
    enum Special implements SFloat {
        /** Not a number: accept the record, it has no value. */
        NAN(0x07FF, "NaN"),
        /** Not at this resolution: accept, no value. */
        NRES(0x0800, "NRes"),
        /** +INFINITY: above the measurable range ("HIGH"). */
        POSITIVE_INFINITY(0x07FE, "+INFINITY"),
        /** −INFINITY: below the measurable range ("LOW"). */
        NEGATIVE_INFINITY(0x0802, "-INFINITY");

        private final int raw;
        private final String label;

        Special(int raw, String label) {
            this.raw = raw;
            this.label = label;
        }

        @Override
        public int raw() {
            return raw;
        }

        /** Label used in the JSON view: {@code NaN}, {@code NRes}, {@code +INFINITY}, {@code -INFINITY}. */
        public String label() {
            return label;
        }
    }

    /** True if {@code raw} (0..0xFFFF) is the reserved code 0x0801. */
    static boolean isReserved(int raw) {
        return raw == RESERVED;
    }

    /**
     * Decodes a 16-bit raw value. 0x0801 gives {@link DecodeError.Kind#RESERVED_VALUE}; values outside
     * 0..0xFFFF give {@link DecodeError.Kind#OUT_OF_RANGE}.
     */
    static Decoded<SFloat> fromRaw(int raw) {
        if (raw < 0 || raw > 0xFFFF) {
            return Decoded.invalid(DecodeError.Kind.OUT_OF_RANGE, 0, "SFLOAT raw value must be 16 bits: " + raw);
        }
        if (isReserved(raw)) {
            return Decoded.invalid(DecodeError.Kind.RESERVED_VALUE, 0, "SFLOAT uses reserved value 0x0801");
        }
        for (Special s : Special.values()) {
            if (s.raw == raw) {
                return Decoded.ok(s);
            }
        }
        int mantissa = (raw << 20) >> 20; // sign-extend 12 bits
        int exponent = (raw << 16) >> 28; // sign-extend 4 bits
        return Decoded.ok(new Finite(mantissa, exponent));
    }

    /** mantissa · 10^exponent; throws if out of range or colliding with a special code. */
    static SFloat of(int mantissa, int exponent) {
        return new Finite(mantissa, exponent);
    }

    /**
     * The SFLOAT equal to {@code value}, keeping its scale when possible: {@code 101.5} → 1015·10^-1,
     * {@code 120} → 120·10^0, {@code 4.5E+2} → 45·10^1. If the value's own scale does not fit, the
     * representable exponent closest to it is used ({@code 20000} → 2000·10^1).
     *
     * @return empty if no mantissa/exponent pair represents {@code value} exactly
     */
    static Optional<SFloat> exactly(BigDecimal value) {
        Objects.requireNonNull(value, "value");
        long preferred = -(long) value.scale();
        SFloat best = null;
        long bestDistance = Long.MAX_VALUE;
        for (int e = -8; e <= 7; e++) {
            BigDecimal m = value.scaleByPowerOfTen(-e);
            if (m.signum() != 0 && m.stripTrailingZeros().scale() > 0) {
                continue; // not an integer mantissa at this exponent
            }
            if (m.compareTo(BigDecimal.valueOf(-2048)) < 0 || m.compareTo(BigDecimal.valueOf(2047)) > 0) {
                continue;
            }
            int mantissa = m.intValue();
            if (e == 0 && (mantissa >= 0x7FE || mantissa <= -0x7FE)) {
                continue;
            }
            long distance = Math.abs(e - preferred);
            if (distance < bestDistance) {
                best = new Finite(mantissa, e);
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Like {@link #exactly(BigDecimal)} but throws {@link IllegalArgumentException} if not representable. */
    static SFloat of(BigDecimal value) {
        return exactly(value).orElseThrow(
                () -> new IllegalArgumentException("not exactly representable as SFLOAT: " + value));
    }

    /** Parses {@code NaN}, {@code NRes}, {@code +INFINITY}, {@code -INFINITY} or a decimal number. */
    static SFloat parse(String text) {
        for (Special s : Special.values()) {
            if (s.label.equals(text)) {
                return s;
            }
        }
        return of(new BigDecimal(text));
    }
}
