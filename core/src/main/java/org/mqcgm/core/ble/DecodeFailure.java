package org.mqcgm.core.ble;

/**
 * Internal control flow for decoders: thrown by {@link WireReader} and the per-characteristic codecs,
 * caught at every public decode entry point and turned into {@link Decoded.Invalid}. It never leaves
 * this package; any other exception escaping a decoder is a bug.
 */
final class DecodeFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient DecodeError error;

    DecodeFailure(DecodeError.Kind kind, int offset, String reason) {
        super(reason, null, false, false);
        this.error = new DecodeError(kind, reason, offset);
    }

    DecodeError error() {
        return error;
    }
}
