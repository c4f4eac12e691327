package org.mqcgm.server.platform.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %msg} with contact details masked ({@link Masking}) and control characters encoded
 * ({@link Masking#encodeControls}: a CR or LF a person typed into a free-text field cannot start a forged log line);
 * configured in {@code logback.xml}, used by every appender (the console and the daily files).
 */
public final class MaskedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Masking.mask(Masking.encodeControls(super.convert(event)));
    }
}
