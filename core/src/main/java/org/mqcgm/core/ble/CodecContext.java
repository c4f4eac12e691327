package org.mqcgm.core.ble;

import java.util.Objects;

/**
 * What the collector knows about the sensor when decoding: currently whether E2E-CRC is supported
 * (CGM Feature bit 12, ble-cgms.md §1.2).
 *
 * <p>CRC presence is never flagged on the wire; it is inferred from lengths (ble-cgms.md §1.1, §1.7).
 * With {@link E2eCrcSupport#UNKNOWN} the codec infers it and verifies any CRC it finds. Once the CGM
 * Feature has been read, use {@link #fromFeature(CgmFeature)}: a CRC is then required
 * ({@link DecodeError.Kind#MISSING_CRC}) or forbidden ({@link DecodeError.Kind#UNEXPECTED_CRC}) on
 * every value that can carry one. This matters: without it a corrupted Flags byte in a CRC-protected
 * measurement can turn the CRC into a plausible trend field (see {@code docs/ble.md}).
 *
 * @param e2eCrc E2E-CRC expectation
 */
public record CodecContext(E2eCrcSupport e2eCrc) {

    /** Whether the sensor sends (and expects) E2E-CRC. */
    public enum E2eCrcSupport {
        /** Not known (CGM Feature not read yet): infer CRC presence from length, verify when present. */
        UNKNOWN,
        /** CGM Feature bit 12 set: every CRC-capable value must carry a valid CRC. */
        SUPPORTED,
        /** CGM Feature bit 12 clear: no value may carry a CRC (CGM Feature's own CRC field is 0xFFFF). */
        NOT_SUPPORTED
    }

    /** E2E-CRC support unknown: lenient inference (used for the test vectors and ad-hoc decoding). */
    public static final CodecContext UNKNOWN = new CodecContext(E2eCrcSupport.UNKNOWN);
    /** E2E-CRC required. */
    public static final CodecContext E2E_CRC_SUPPORTED = new CodecContext(E2eCrcSupport.SUPPORTED);
    /** E2E-CRC forbidden. */
    public static final CodecContext E2E_CRC_NOT_SUPPORTED = new CodecContext(E2eCrcSupport.NOT_SUPPORTED);

    public CodecContext {
        Objects.requireNonNull(e2eCrc, "e2eCrc");
    }

    /** Context matching a CGM Feature value read from the sensor. */
    public static CodecContext fromFeature(CgmFeature feature) {
        return feature.e2eCrcSupported() ? E2E_CRC_SUPPORTED : E2E_CRC_NOT_SUPPORTED;
    }
}
