package org.mqcgm.core.ble;

import java.util.function.Supplier;

/**
 * Entry point of the CGMS codec (ble-cgms.md).
 *
 * <p>Every {@code decode*} method is a pure, total function of its arguments: any byte array (including
 * {@code null} and the empty array) gives {@link Decoded.Ok} or {@link Decoded.Invalid}; no exception
 * escapes and no partial or guessed value is returned. Every {@code encode*} method produces the
 * canonical wire form, and {@code encode(decode(bytes)) == bytes} for every accepted input because the
 * decoded values keep everything the wire carries (SFLOAT exponent, raw annunciation octets, reserved
 * feature bits, CRC presence).
 */
public final class CgmsCodec {

    private CgmsCodec() {
    }

    /**
     * Decodes the value of any CGMS characteristic.
     *
     * @param characteristicUuid16 16-bit characteristic UUID, e.g. {@code 0x2AA7}
     * @param value                characteristic value as received or to be written
     * @param ctx                  collector knowledge (E2E-CRC support); {@code null} means {@link CodecContext#UNKNOWN}
     */
    public static Decoded<CgmsValue> decode(int characteristicUuid16, byte[] value, CodecContext ctx) {
        var characteristic = CgmsCharacteristic.fromUuid16(characteristicUuid16);
        if (characteristic.isEmpty()) {
            return Decoded.invalid(DecodeError.Kind.UNKNOWN_CHARACTERISTIC, 0,
                    "characteristic " + Hex.number(characteristicUuid16 & 0xFFFFFFFFL, 4) + " is not part of CGMS");
        }
        return decode(characteristic.get(), value, ctx);
    }

    /** Decodes the value of {@code characteristic}; see {@link #decode(int, byte[], CodecContext)}. */
    public static Decoded<CgmsValue> decode(CgmsCharacteristic characteristic, byte[] value, CodecContext ctx) {
        return switch (characteristic) {
            case CGM_MEASUREMENT -> widen(decodeMeasurement(value, ctx));
            case CGM_FEATURE -> widen(decodeFeature(value));
            case CGM_STATUS -> widen(decodeStatus(value, ctx));
            case SESSION_START_TIME -> widen(decodeSessionStartTime(value, ctx));
            case SESSION_RUN_TIME -> widen(decodeSessionRunTime(value, ctx));
            case RECORD_ACCESS_CONTROL_POINT -> widen(decodeRecordAccessControlPoint(value));
            case SPECIFIC_OPS_CONTROL_POINT -> widen(decodeSpecificOpsControlPoint(value, ctx));
        };
    }

    /** CGM Measurement (0x2AA7): one or more records (§1.1). */
    public static Decoded<CgmMeasurementNotification> decodeMeasurement(byte[] value, CodecContext ctx) {
        return run(value, () -> MeasurementCodec.decode(value, orUnknown(ctx)));
    }

    /** CGM Feature (0x2AA8), 6 bytes (§1.2). Needs no context: it says itself whether E2E-CRC is used. */
    public static Decoded<CgmFeature> decodeFeature(byte[] value) {
        return run(value, () -> FeatureCodec.decode(value));
    }

    /** CGM Status (0x2AA9), 5 or 7 bytes (§1.3). */
    public static Decoded<CgmStatus> decodeStatus(byte[] value, CodecContext ctx) {
        return run(value, () -> FixedValueCodecs.decodeStatus(value, orUnknown(ctx)));
    }

    /** CGM Session Start Time (0x2AAA), 9 or 11 bytes (§1.4). */
    public static Decoded<SessionStartTime> decodeSessionStartTime(byte[] value, CodecContext ctx) {
        return run(value, () -> FixedValueCodecs.decodeSessionStartTime(value, orUnknown(ctx)));
    }

    /** CGM Session Run Time (0x2AAB), 2 or 4 bytes (§1.5). */
    public static Decoded<SessionRunTime> decodeSessionRunTime(byte[] value, CodecContext ctx) {
        return run(value, () -> FixedValueCodecs.decodeSessionRunTime(value, orUnknown(ctx)));
    }

    /** Record Access Control Point (0x2A52), requests and responses (§1.6). RACP has no E2E-CRC. */
    public static Decoded<RecordAccessControlPoint> decodeRecordAccessControlPoint(byte[] value) {
        return run(value, () -> RacpCodec.decode(value));
    }

    /** CGM Specific Ops Control Point (0x2AAC), requests and responses (§1.7). */
    public static Decoded<SpecificOpsControlPoint> decodeSpecificOpsControlPoint(byte[] value, CodecContext ctx) {
        return run(value, () -> SocpCodec.decode(value, orUnknown(ctx)));
    }

    /** Canonical wire form of any CGMS value. */
    public static byte[] encode(CgmsValue value) {
        return switch (value) {
            case CgmMeasurementNotification m -> encodeMeasurement(m);
            case CgmFeature f -> encodeFeature(f);
            case CgmStatus s -> encodeStatus(s);
            case SessionStartTime t -> encodeSessionStartTime(t);
            case SessionRunTime r -> encodeSessionRunTime(r);
            case RecordAccessControlPoint r -> encodeRecordAccessControlPoint(r);
            case SpecificOpsControlPoint s -> encodeSpecificOpsControlPoint(s);
        };
    }

    /** All records back to back. */
    public static byte[] encodeMeasurement(CgmMeasurementNotification notification) {
        return MeasurementCodec.encode(notification);
    }

    /** A single record (Size byte first, CRC last if {@link CgmMeasurement#crcPresent()}). */
    public static byte[] encodeMeasurementRecord(CgmMeasurement record) {
        return MeasurementCodec.encode(record);
    }

    /** 6 bytes; CRC over bytes 0..3 if bit 12 is set, else 0xFFFF. */
    public static byte[] encodeFeature(CgmFeature feature) {
        return FeatureCodec.encode(feature);
    }

    public static byte[] encodeStatus(CgmStatus status) {
        return FixedValueCodecs.encode(status);
    }

    public static byte[] encodeSessionStartTime(SessionStartTime startTime) {
        return FixedValueCodecs.encode(startTime);
    }

    public static byte[] encodeSessionRunTime(SessionRunTime runTime) {
        return FixedValueCodecs.encode(runTime);
    }

    public static byte[] encodeRecordAccessControlPoint(RecordAccessControlPoint message) {
        return RacpCodec.encode(message);
    }

    public static byte[] encodeSpecificOpsControlPoint(SpecificOpsControlPoint value) {
        return SocpCodec.encode(value);
    }

    private static CodecContext orUnknown(CodecContext ctx) {
        return ctx == null ? CodecContext.UNKNOWN : ctx;
    }

    private static <T> Decoded<T> run(byte[] value, Supplier<T> decoder) {
        if (value == null) {
            return Decoded.invalid(DecodeError.Kind.TRUNCATED, 0, "truncated: no value (null)");
        }
        try {
            return Decoded.ok(decoder.get());
        } catch (DecodeFailure failure) {
            return Decoded.invalid(failure.error());
        }
    }

    private static Decoded<CgmsValue> widen(Decoded<? extends CgmsValue> decoded) {
        return decoded.map(v -> (CgmsValue) v);
    }
}
