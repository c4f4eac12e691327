package org.mqcgm.core.ble;

/**
 * Shared E2E-CRC framing rules for fixed-payload values (CGM Status, Session Start Time, Session Run
 * Time, SOCP): the value is {@code payload} or {@code payload + CRC(2)}; presence is inferred from the
 * length and checked against the {@link CodecContext} (ble-cgms.md §1.3–§1.5, §1.7, §3).
 */
final class E2eFrames {

    private E2eFrames() {
    }

    /**
     * Decides whether {@code value} carries a CRC after a {@code payloadLength}-byte payload and
     * verifies it.
     *
     * @return true if a (valid) CRC is present
     * @throws DecodeFailure TRUNCATED, INVALID_LENGTH, MISSING_CRC, UNEXPECTED_CRC or BAD_CRC
     */
    static boolean crcPresent(String what, byte[] value, int payloadLength, CodecContext ctx) {
        int len = value.length;
        boolean crc;
        if (len < payloadLength) {
            throw new DecodeFailure(DecodeError.Kind.TRUNCATED, len,
                    "truncated: " + what + " needs " + payloadLength + " bytes, got " + len);
        } else if (len == payloadLength) {
            crc = false;
        } else if (len == payloadLength + 2) {
            crc = true;
        } else {
            throw new DecodeFailure(DecodeError.Kind.INVALID_LENGTH, payloadLength,
                    what + " must be " + payloadLength + " bytes, or " + (payloadLength + 2)
                            + " with E2E-CRC; got " + len);
        }
        checkAgainstContext(what, crc, ctx, payloadLength);
        if (crc) {
            verify(value, 0, payloadLength);
        }
        return crc;
    }

    /** MISSING_CRC / UNEXPECTED_CRC if CRC presence contradicts what the CGM Feature said. */
    static void checkAgainstContext(String what, boolean crc, CodecContext ctx, int offset) {
        switch (ctx.e2eCrc()) {
            case SUPPORTED -> {
                if (!crc) {
                    throw new DecodeFailure(DecodeError.Kind.MISSING_CRC, offset,
                            "E2E-CRC missing: CGM Feature bit 12 (E2E-CRC supported) is set but the "
                                    + what + " carries no CRC");
                }
            }
            case NOT_SUPPORTED -> {
                if (crc) {
                    throw new DecodeFailure(DecodeError.Kind.UNEXPECTED_CRC, offset,
                            "unexpected E2E-CRC: CGM Feature bit 12 (E2E-CRC supported) is clear but the "
                                    + what + " carries a CRC");
                }
            }
            case UNKNOWN -> {
                // infer from length only
            }
        }
    }

    /** BAD_CRC unless the little-endian uint16 at {@code from+length} is the CRC of {@code value[from, from+length)}. */
    static void verify(byte[] value, int from, int length) {
        int at = from + length;
        int field = (value[at] & 0xFF) | (value[at + 1] & 0xFF) << 8;
        int computed = E2eCrc.compute(value, from, length);
        if (field != computed) {
            throw new DecodeFailure(DecodeError.Kind.BAD_CRC, at,
                    "E2E-CRC mismatch: field " + Hex.number(field, 4) + " computed " + Hex.number(computed, 4));
        }
    }
}
