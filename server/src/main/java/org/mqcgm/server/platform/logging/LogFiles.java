package org.mqcgm.server.platform.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The server's log files, when an operator wants files besides standard error ({@code MQCGM_LOG_DIR}):
 * {@code mqcgm.log}, rolled daily into {@code mqcgm.YYYY-MM-DD.log}, 30 days kept (older ones are removed at each
 * roll and at start, and by the retention job's {@code application-logs} category), with the same masked pattern as
 * standard error; and {@code mqcgm-security.log}, the security log's JSON lines alone ({@link SecurityLog}).
 */
public final class LogFiles {

    /** The pattern of every log line: request id, masked message, masked exception. */
    public static final String PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%X{requestId:-}] %logger{24} - %msg%n%mex";
    static final String APPENDER = "FILES";
    static final String SECURITY_APPENDER = "SECURITY-FILE";

    private LogFiles() {
    }

    /** Adds the file appender to the root logger (once); does nothing when the logging backend is not logback. */
    public static synchronized void install(Path directory) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(APPENDER) != null) {
            return;
        }
        RollingFileAppender<ILoggingEvent> appender = dailyFile(context, APPENDER, directory, "mqcgm", layout(context));
        root.addAppender(appender);
        installSecurityFile(context, directory);
    }

    /**
     * {@code mqcgm-security.log}: the security log's JSON lines alone ({@link SecurityLog}), one per event, rolled
     * daily into {@code mqcgm-security.YYYY-MM-DD.log} and kept as long as the other log files.
     */
    static void installSecurityFile(LoggerContext context, Path directory) {
        Logger security = context.getLogger(SecurityLog.LOGGER);
        if (security.getAppender(SECURITY_APPENDER) != null) {
            return;
        }
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern("%msg%n");
        layout.start();
        RollingFileAppender<ILoggingEvent> appender = dailyFile(context, SECURITY_APPENDER, directory, "mqcgm-security",
                layout);
        security.addAppender(appender);
    }

    /**
     * A started appender writing {@code <name>.log} in {@code directory} with {@code layout}, rolled daily (UTC) into
     * {@code <name>.YYYY-MM-DD.log} and kept 30 days.
     */
    private static RollingFileAppender<ILoggingEvent> dailyFile(LoggerContext context, String appenderName,
                                                                Path directory, String name, PatternLayout layout) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(appenderName);
        appender.setFile(directory.resolve(name + ".log").toString());
        TimeBasedRollingPolicy<ILoggingEvent> policy = new TimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(directory.resolve(name + ".%d{yyyy-MM-dd,UTC}.log").toString());
        policy.setMaxHistory(30);
        policy.setCleanHistoryOnStart(true);
        policy.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        appender.setRollingPolicy(policy);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    /** The masked layout of {@link #PATTERN}, whatever the logback configuration registered. */
    public static PatternLayout layout(LoggerContext context) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("msg", MaskedMessageConverter::new);
        layout.getInstanceConverterMap().put("mex", MaskedThrowableConverter::new);
        layout.setPattern(PATTERN);
        layout.start();
        return layout;
    }
}
