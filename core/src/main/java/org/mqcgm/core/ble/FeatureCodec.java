package org.mqcgm.core.ble;

/** CGM Feature (0x2AA8) wire format, ble-cgms.md §1.2. */
final class FeatureCodec {

    /** CRC field value when E2E-CRC is not supported. */
    static final int NO_CRC = 0xFFFF;

    private FeatureCodec() {
    }

    /** Exactly 6 bytes; bit 12 set ⇒ verify CRC over bytes 0..3, clear ⇒ CRC field must be 0xFFFF [N-FEAT]. */
    static CgmFeature decode(byte[] value) {
        if (value.length < CgmFeature.LENGTH) {
            throw new DecodeFailure(DecodeError.Kind.TRUNCATED, value.length,
                    "truncated: CGM Feature needs 6 bytes, got " + value.length);
        }
        if (value.length > CgmFeature.LENGTH) {
            throw new DecodeFailure(DecodeError.Kind.INVALID_LENGTH, CgmFeature.LENGTH,
                    "CGM Feature must be exactly 6 bytes, got " + value.length);
        }
        WireReader in = new WireReader(value, 0, value.length);
        int bits = in.u24("feature bits");
        int typeLocation = in.u8("type/sample location");
        int crcField = in.u16("E2E-CRC");
        CgmFeature feature = new CgmFeature(bits, typeLocation & 0x0F, typeLocation >>> 4);
        if (feature.e2eCrcSupported()) {
            E2eFrames.verify(value, 0, 4);
        } else if (crcField != NO_CRC) {
            throw new DecodeFailure(DecodeError.Kind.BAD_CRC, 4,
                    "E2E-CRC not supported (feature bit 12 clear) but CRC field is "
                            + Hex.number(crcField, 4) + ", expected 0xffff");
        }
        return feature;
    }

    static byte[] encode(CgmFeature f) {
        WireWriter out = new WireWriter();
        out.u24(f.featureBits()).u8(f.sampleLocationCode() << 4 | f.typeCode());
        if (f.e2eCrcSupported()) {
            out.crcFrom(0);
        } else {
            out.u16(NO_CRC);
        }
        return out.toByteArray();
    }
}
