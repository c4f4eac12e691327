package org.mqcgm.core.ble;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** CGM Measurement (0x2AA7) wire format, ble-cgms.md §1.1. */
final class MeasurementCodec {

    private MeasurementCodec() {
    }

    /** Decodes every record of a notification; the first invalid record rejects the whole value. */
    static CgmMeasurementNotification decode(byte[] value, CodecContext ctx) {
        if (value.length == 0) {
            throw new DecodeFailure(DecodeError.Kind.TRUNCATED, 0,
                    "truncated: empty CGM Measurement value, at least one 6-byte record expected");
        }
        List<CgmMeasurement> records = new ArrayList<>();
        int offset = 0;
        // [N-MEAS]: records back to back, loop while offset < len; each Size byte advances the cursor.
        while (offset < value.length) {
            CgmMeasurement record = decodeRecord(value, offset, ctx);
            records.add(record);
            offset += record.size();
        }
        return new CgmMeasurementNotification(records);
    }

    private static CgmMeasurement decodeRecord(byte[] value, int start, CodecContext ctx) {
        int left = value.length - start;
        int size = value[start] & 0xFF;
        // Check order: Size vs bytes available, minimum size, reserved flags, Size vs Flags, CRC, fields.
        if (size > left) {
            throw new DecodeFailure(DecodeError.Kind.TRUNCATED, start,
                    "truncated: size byte says " + size + ", only " + left + " bytes left");
        }
        if (size < CgmMeasurement.MIN_SIZE) {
            throw new DecodeFailure(DecodeError.Kind.INVALID_LENGTH, start,
                    "record size " + size + " below the minimum of " + CgmMeasurement.MIN_SIZE);
        }
        int flags = value[start + 1] & 0xFF;
        if ((flags & CgmMeasurement.FLAGS_RESERVED) != 0) {
            throw new DecodeFailure(DecodeError.Kind.RESERVED_VALUE, start + 1,
                    "flags " + Hex.number(flags, 2) + " set reserved bits 2-4");
        }
        // CRC presence is not flagged: Size == base means no CRC, Size == base + 2 means CRC; anything
        // else is invalid [N-MEAS].
        int base = CgmMeasurement.baseSize(flags);
        boolean crc;
        if (size == base) {
            crc = false;
        } else if (size == base + 2) {
            crc = true;
        } else {
            throw new DecodeFailure(DecodeError.Kind.SIZE_FLAGS_MISMATCH, start,
                    "size " + size + " inconsistent with flags (expected " + base + " or " + (base + 2) + ")");
        }
        E2eFrames.checkAgainstContext("CGM Measurement record", crc, ctx, start);
        if (crc) {
            // Over the record from its Size byte up to (excluding) the CRC; Size counts the CRC.
            E2eFrames.verify(value, start, size - 2);
        }
        WireReader in = new WireReader(value, start + 2, start + size - (crc ? 2 : 0));
        SFloat glucose = in.sfloat("glucose");
        int timeOffset = in.u16("time offset");
        // Field order is annunciation octets (flag bits 5, 6, 7), THEN trend (bit 0) and quality (bit 1).
        OptionalInt warning = (flags & CgmMeasurement.FLAG_WARNING) != 0
                ? OptionalInt.of(in.u8("warning octet")) : OptionalInt.empty();
        OptionalInt calTemp = (flags & CgmMeasurement.FLAG_CAL_TEMP) != 0
                ? OptionalInt.of(in.u8("cal/temp octet")) : OptionalInt.empty();
        OptionalInt status = (flags & CgmMeasurement.FLAG_STATUS) != 0
                ? OptionalInt.of(in.u8("status octet")) : OptionalInt.empty();
        Optional<SFloat> trend = (flags & CgmMeasurement.FLAG_TREND) != 0
                ? Optional.of(in.sfloat("trend")) : Optional.empty();
        Optional<SFloat> quality = (flags & CgmMeasurement.FLAG_QUALITY) != 0
                ? Optional.of(in.sfloat("quality")) : Optional.empty();
        in.expectEnd("CGM Measurement record");
        return new CgmMeasurement(glucose, timeOffset, new SensorStatusAnnunciation(warning, calTemp, status),
                trend, quality, crc);
    }

    static byte[] encode(CgmMeasurementNotification notification) {
        WireWriter out = new WireWriter();
        for (CgmMeasurement r : notification.records()) {
            writeRecord(out, r);
        }
        return out.toByteArray();
    }

    static byte[] encode(CgmMeasurement record) {
        WireWriter out = new WireWriter();
        writeRecord(out, record);
        return out.toByteArray();
    }

    private static void writeRecord(WireWriter out, CgmMeasurement r) {
        int start = out.size();
        out.u8(r.size()).u8(r.flags()).sfloat(r.glucoseConcentration()).u16(r.timeOffsetMinutes());
        SensorStatusAnnunciation a = r.annunciation();
        a.warning().ifPresent(out::u8);
        a.calTemp().ifPresent(out::u8);
        a.status().ifPresent(out::u8);
        r.trend().ifPresent(out::sfloat);
        r.quality().ifPresent(out::sfloat);
        if (r.crcPresent()) {
            out.crcFrom(start);
        }
    }
}
