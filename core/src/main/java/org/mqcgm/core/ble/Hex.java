package org.mqcgm.core.ble;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Hex parse/format for characteristic values as typed on a command line or shown in logs. */
public final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /**
     * Parses hex digits, ignoring whitespace and the separators {@code : - _ ,}; an optional leading
     * {@code 0x} is allowed. {@code "0a 01:78"} and {@code "0x0a0178"} both give {@code 0a 01 78}.
     *
     * @throws IllegalArgumentException on a non-hex character or an odd number of digits
     */
    public static byte[] parse(CharSequence text) {
        String s = text.toString().strip();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        byte[] out = new byte[s.length() / 2 + 1];
        int n = 0;
        int high = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == ':' || c == '-' || c == '_' || c == ',') {
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0) {
                throw new IllegalArgumentException("not a hex digit at index " + i + ": '" + c + "'");
            }
            if (high < 0) {
                high = d;
            } else {
                out[n++] = (byte) (high << 4 | d);
                high = -1;
            }
        }
        if (high >= 0) {
            throw new IllegalArgumentException("odd number of hex digits");
        }
        return Arrays.copyOf(out, n);
    }

    /** Like {@link #parse(CharSequence)} but empty instead of an exception. */
    public static Optional<byte[]> tryParse(CharSequence text) {
        try {
            return Optional.of(parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Lower-case hex without separators, e.g. {@code 0800780005000de8}. */
    public static String format(byte[] bytes) {
        return format(bytes, "");
    }

    /** Lower-case hex with {@code separator} between bytes, e.g. {@code 08 00 78}. */
    public static String format(byte[] bytes, String separator) {
        StringBuilder sb = new StringBuilder(bytes.length * (2 + separator.length()));
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                sb.append(separator);
            }
            sb.append(DIGITS[(bytes[i] >> 4) & 0xF]).append(DIGITS[bytes[i] & 0xF]);
        }
        return sb.toString();
    }

    /** {@code 0x} followed by {@code digits} lower-case hex digits, e.g. {@code hex(0x1a, 2)} = {@code 0x1a}. */
    public static String number(long value, int digits) {
        return String.format(Locale.ROOT, "0x%0" + digits + "x", value);
    }
}
