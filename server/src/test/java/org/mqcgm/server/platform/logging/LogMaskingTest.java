package org.mqcgm.server.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Contact details in log messages and exceptions are masked by the configured layout and in log files (PR-33). */
class LogMaskingTest {

    static final String PHONE = "+8613812345678";

    @Test
    @Tag("PR-33")
    void aPhoneNumberOrEMailInAMessageOrAnExceptionIsLoggedMasked(@TempDir Path dir) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<ch.qos.logback.classic.spi.ILoggingEvent> stderr = root.getAppender("STDERR");
        assertThat(stderr).as("the STDERR appender of logback.xml").isInstanceOf(OutputStreamAppender.class);
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger("test"), Level.WARN,
                "could not send to {}", new IllegalStateException("SMS gateway refused " + PHONE
                        + " (li.wei@example.org)", new RuntimeException("retry 13812345678")), new Object[] {PHONE});
        String line = new String(((OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>) stderr)
                .getEncoder().encode(event), StandardCharsets.UTF_8);

        assertThat(line).contains("could not send to +86*********78")
                .contains("SMS gateway refused +86*********78 (l***@example.org)")
                .contains("retry 138******78")
                .contains("at org.mqcgm").as("the stack is kept")
                .doesNotContain("13812345678").doesNotContain("li.wei@");

        // The daily log files use the same masked pattern.
        LogFiles.install(dir);
        try {
            LoggerFactory.getLogger("test.files").warn("reset code sent to {}", PHONE,
                    new IllegalArgumentException("bad number " + PHONE));
        } finally {
            Appender<ch.qos.logback.classic.spi.ILoggingEvent> files = root.getAppender(LogFiles.APPENDER);
            root.detachAppender(files);
            files.stop();
            ch.qos.logback.classic.Logger security = context.getLogger(SecurityLog.LOGGER);
            Appender<ch.qos.logback.classic.spi.ILoggingEvent> securityFile =
                    security.getAppender(LogFiles.SECURITY_APPENDER);
            security.detachAppender(securityFile);
            securityFile.stop();
        }
        String file = Files.readString(dir.resolve("mqcgm.log"));
        assertThat(file).contains("reset code sent to +86*********78").contains("bad number +86*********78")
                .doesNotContain("13812345678");
        // Ordinary numbers are left alone: times, counts, ids.
        assertThat(Masking.mask("job retention handled 1234 rows in 15 ms; id 7f1c9b2e")).isEqualTo(
                "job retention handled 1234 rows in 15 ms; id 7f1c9b2e");
    }

    /**
     * Issue 16 (ASVS V7.3.1): a CR or LF in a logged value (a free-text field) cannot start a forged line: control
     * characters are encoded by the message converter every appender uses.
     */
    @Test
    void aCarriageReturnOrLineFeedInALoggedFieldCannotForgeALogLine(@TempDir Path dir) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        LogFiles.install(dir);
        try {
            LoggerFactory.getLogger("test.injection").warn("ticket subject {}",
                    "help\r\nFAKE 2026-01-01T00:00:00Z INFO admin logged in\u2028\u0007");
        } finally {
            Appender<ch.qos.logback.classic.spi.ILoggingEvent> files = root.getAppender(LogFiles.APPENDER);
            root.detachAppender(files);
            files.stop();
        }
        java.util.List<String> lines = Files.readAllLines(dir.resolve("mqcgm.log"));
        assertThat(lines).filteredOn(l -> l.contains("ticket subject")).singleElement().satisfies(l -> assertThat(l)
                .contains("ticket subject help\\r\\nFAKE 2026-01-01T00:00:00Z INFO admin logged in\\u2028\\u0007"));
        assertThat(lines).noneMatch(l -> l.startsWith("FAKE"));
        assertThat(Masking.encodeControls("plain text, 中文")).isEqualTo("plain text, 中文");
    }
}
