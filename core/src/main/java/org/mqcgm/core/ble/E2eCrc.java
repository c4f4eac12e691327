package org.mqcgm.core.ble;

import java.util.Objects;

/**
 * CGMS E2E-CRC: CRC-16/MCRF4XX (ble-cgms.md §3).
 *
 * <p>Width 16, polynomial 0x1021 processed reflected (0x8408), init 0xFFFF, refin/refout true,
 * xorout 0x0000; check("123456789") = 0x6F91. Not CRC-16/CCITT-FALSE (non-reflected) and not
 * KERMIT (init 0). Transmitted little-endian as the last two bytes of the value or record.
 */
public final class E2eCrc {

    /** CRC of the ASCII bytes "123456789" (catalogue check value). */
    public static final int CHECK_VALUE = 0x6F91;

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private E2eCrc() {
    }

    /** CRC over all of {@code data}. */
    public static int compute(byte[] data) {
        return compute(data, 0, data.length);
    }

    /** CRC over {@code data[offset .. offset+length)}. */
    public static int compute(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        int crc = 0xFFFF;
        for (int i = offset; i < offset + length; i++) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]) & 0xFF];
        }
        return crc;
    }
}
