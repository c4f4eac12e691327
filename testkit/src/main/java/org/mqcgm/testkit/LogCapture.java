package org.mqcgm.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event while open, to assert what reaches the log (and above all what never does). Either in
 * try-with-resources around the code under test, or for a whole test class:
 * {@code @RegisterExtension static final LogCapture log = new LogCapture();} — cleared before each test, detached
 * after the class.
 */
public final class LogCapture implements AutoCloseable, BeforeEachCallback, AfterAllCallback {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    /** Starts capturing at once. */
    public LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    /** The events so far, oldest first. */
    public List<ILoggingEvent> events() {
        synchronized (appender.list) {
            return List.copyOf(appender.list);
        }
    }

    /** Forgets the events so far. */
    public void clear() {
        synchronized (appender.list) {
            appender.list.clear();
        }
    }

    /** Everything a log line would print: level, logger, message, MDC, and the exception chain with its messages. */
    public static String printed(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder().append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ')
                .append(e.getFormattedMessage()).append(' ').append(e.getMDCPropertyMap());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return sb.toString();
    }

    /** Every event as {@link #printed}, one a line. */
    public List<String> lines() {
        return events().stream().map(LogCapture::printed).toList();
    }

    /** The whole log so far as text. */
    public String text() {
        return String.join("\n", lines());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
