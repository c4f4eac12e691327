package org.mqcgm.core.ble;

import java.util.OptionalInt;

/**
 * CGM Status (§1.3), CGM Session Start Time (§1.4) and CGM Session Run Time (§1.5): fixed payload,
 * optionally followed by an E2E-CRC over the payload.
 */
final class FixedValueCodecs {

    private FixedValueCodecs() {
    }

    static CgmStatus decodeStatus(byte[] value, CodecContext ctx) {
        boolean crc = E2eFrames.crcPresent("CGM Status", value, CgmStatus.PAYLOAD_LENGTH, ctx);
        WireReader in = new WireReader(value, 0, CgmStatus.PAYLOAD_LENGTH);
        int timeOffset = in.u16("time offset");
        int warning = in.u8("warning octet");
        int calTemp = in.u8("cal/temp octet");
        int status = in.u8("status octet");
        return new CgmStatus(timeOffset,
                new SensorStatusAnnunciation(OptionalInt.of(warning), OptionalInt.of(calTemp), OptionalInt.of(status)),
                crc);
    }

    static byte[] encode(CgmStatus s) {
        WireWriter out = new WireWriter();
        out.u16(s.timeOffsetMinutes())
                .u8(s.annunciation().warning().getAsInt())
                .u8(s.annunciation().calTemp().getAsInt())
                .u8(s.annunciation().status().getAsInt());
        if (s.crcPresent()) {
            out.crcFrom(0);
        }
        return out.toByteArray();
    }

    static SessionStartTime decodeSessionStartTime(byte[] value, CodecContext ctx) {
        boolean crc = E2eFrames.crcPresent("CGM Session Start Time", value, SessionStartTime.PAYLOAD_LENGTH, ctx);
        WireReader in = new WireReader(value, 0, SessionStartTime.PAYLOAD_LENGTH);
        int year = in.u16("year");
        int month = in.u8("month");
        int day = in.u8("day");
        int hours = in.u8("hours");
        int minutes = in.u8("minutes");
        int seconds = in.u8("seconds");
        int timeZone = in.s8("time zone");
        int dstCode = in.u8("DST offset");
        String problem = SessionStartTime.rangeProblem(year, month, day, hours, minutes, seconds, timeZone);
        if (problem != null) {
            throw new DecodeFailure(DecodeError.Kind.OUT_OF_RANGE, 0, problem);
        }
        SessionStartTime.DstOffset dst = SessionStartTime.DstOffset.fromCode(dstCode).orElseThrow(
                () -> new DecodeFailure(DecodeError.Kind.RESERVED_VALUE, 8,
                        "DST offset code " + dstCode + " is reserved (allowed 0, 2, 4, 8, 255)"));
        return new SessionStartTime(year, month, day, hours, minutes, seconds, timeZone, dst, crc);
    }

    static byte[] encode(SessionStartTime t) {
        WireWriter out = new WireWriter();
        out.u16(t.year()).u8(t.month()).u8(t.day()).u8(t.hours()).u8(t.minutes()).u8(t.seconds())
                .s8(t.timeZone()).u8(t.dstOffset().code());
        if (t.crcPresent()) {
            out.crcFrom(0);
        }
        return out.toByteArray();
    }

    static SessionRunTime decodeSessionRunTime(byte[] value, CodecContext ctx) {
        boolean crc = E2eFrames.crcPresent("CGM Session Run Time", value, SessionRunTime.PAYLOAD_LENGTH, ctx);
        return new SessionRunTime(new WireReader(value, 0, SessionRunTime.PAYLOAD_LENGTH).u16("run time"), crc);
    }

    static byte[] encode(SessionRunTime r) {
        WireWriter out = new WireWriter();
        out.u16(r.hours());
        if (r.crcPresent()) {
            out.crcFrom(0);
        }
        return out.toByteArray();
    }
}
