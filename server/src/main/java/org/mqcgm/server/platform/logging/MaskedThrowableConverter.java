package org.mqcgm.server.platform.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * The exception of a log line (class, message, stack) with contact details in its messages masked
 * ({@link Masking}); {@code %mex} in {@code logback.xml}.
 */
public final class MaskedThrowableConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy tp) {
        return Masking.mask(super.throwableProxyToString(tp));
    }
}
