package org.mqcgm.core.ble;

/**
 * Bounds-checked little-endian reader over {@code bytes[position .. limit)}. Every read checks the
 * remaining length first and fails with {@link DecodeError.Kind#TRUNCATED}; it never indexes outside
 * the array.
 */
final class WireReader {

    private final byte[] bytes;
    private final int limit;
    private int position;

    WireReader(byte[] bytes, int from, int limit) {
        this.bytes = bytes;
        this.position = from;
        this.limit = limit;
    }

    int position() {
        return position;
    }

    int remaining() {
        return limit - position;
    }

    private void need(int n, String field) {
        if (remaining() < n) {
            throw new DecodeFailure(DecodeError.Kind.TRUNCATED, position,
                    "truncated: " + field + " needs " + n + " bytes, only " + remaining() + " left");
        }
    }

    int u8(String field) {
        need(1, field);
        return bytes[position++] & 0xFF;
    }

    int s8(String field) {
        need(1, field);
        return bytes[position++];
    }

    int u16(String field) {
        need(2, field);
        int v = (bytes[position] & 0xFF) | (bytes[position + 1] & 0xFF) << 8;
        position += 2;
        return v;
    }

    int u24(String field) {
        need(3, field);
        int v = (bytes[position] & 0xFF) | (bytes[position + 1] & 0xFF) << 8 | (bytes[position + 2] & 0xFF) << 16;
        position += 3;
        return v;
    }

    /** Reads an SFLOAT; the reserved code 0x0801 fails with RESERVED_VALUE naming {@code field}. */
    SFloat sfloat(String field) {
        int at = position;
        int raw = u16(field);
        if (SFloat.isReserved(raw)) {
            throw new DecodeFailure(DecodeError.Kind.RESERVED_VALUE, at,
                    field + " SFLOAT uses reserved value 0x0801");
        }
        return SFloat.fromRaw(raw).orElseThrow();
    }

    /** Fails with INVALID_LENGTH if bytes remain. */
    void expectEnd(String what) {
        if (remaining() != 0) {
            throw new DecodeFailure(DecodeError.Kind.INVALID_LENGTH, position,
                    what + " has " + remaining() + " unexpected trailing byte(s)");
        }
    }
}
