package org.mqcgm.core.ble;

import java.util.Arrays;

/** Growable little-endian byte buffer for encoders. */
final class WireWriter {

    private byte[] buf = new byte[16];
    private int size;

    int size() {
        return size;
    }

    WireWriter u8(int v) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException("uint8 out of range: " + v);
        }
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    WireWriter s8(int v) {
        if (v < -128 || v > 127) {
            throw new IllegalArgumentException("sint8 out of range: " + v);
        }
        return u8(v & 0xFF);
    }

    WireWriter u16(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("uint16 out of range: " + v);
        }
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    WireWriter u24(int v) {
        if (v < 0 || v > 0xFFFFFF) {
            throw new IllegalArgumentException("uint24 out of range: " + v);
        }
        u16(v & 0xFFFF);
        return u8(v >>> 16);
    }

    WireWriter sfloat(SFloat v) {
        return u16(v.raw());
    }

    /** Appends the E2E-CRC over everything written from {@code from}, little-endian. */
    WireWriter crcFrom(int from) {
        return u16(E2eCrc.compute(buf, from, size - from));
    }

    /** Overwrites one byte already written (used for a record's Size byte). */
    void setU8(int index, int v) {
        buf[index] = (byte) v;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }
}
