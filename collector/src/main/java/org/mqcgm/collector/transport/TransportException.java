package org.mqcgm.collector.transport;

import java.io.IOException;
import java.util.OptionalInt;

/** A GATT operation failed: no link, device not found, timeout, or an ATT error response. */
public final class TransportException extends IOException {

    private final int attError;

    public TransportException(String message) {
        this(message, 0, null);
    }

    public TransportException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    /** An ATT error response with {@code attError} (1..255). */
    public TransportException(String message, int attError, Throwable cause) {
        super(message, cause);
        this.attError = attError;
    }

    /** The ATT error code when the peer answered with one. */
    public OptionalInt attError() {
        return attError == 0 ? OptionalInt.empty() : OptionalInt.of(attError);
    }
}
