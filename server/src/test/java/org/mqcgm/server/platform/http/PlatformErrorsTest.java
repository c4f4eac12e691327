package org.mqcgm.server.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.AccessControl;
import org.mqcgm.server.platform.security.Authenticator;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.testing.Http;
import org.slf4j.LoggerFactory;

/**
 * The HTTP platform on its own, with routes made for the test (a handler that throws, ...): what reaches the
 * client and what reaches the log when something goes wrong.
 */
class PlatformErrorsTest {

    static HttpServer server;
    static Http http;
    static ListAppender<ILoggingEvent> appender;

    @BeforeAll
    static void start() {
        appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
        Authenticator nobody = new Authenticator() {
            @Override
            public Optional<Principal> session(String cookieValue) {
                return Optional.empty();
            }

            @Override
            public Optional<Principal> apiToken(String token) {
                return Optional.empty();
            }
        };
        server = HttpServer.start(new HttpServer.Settings("127.0.0.1", 0, 100_000), Json.newMapper(),
                new AccessControl(nobody, java.time.Clock.systemUTC()), null, routes -> {
                    routes.get("/reset/{token}", Access.PUBLIC, ctx -> {
                        throw new IllegalStateException("the handler failed");
                    });
                });
        http = new Http("http://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    }

    @BeforeEach
    void clearLog() {
        synchronized (appender) {
            appender.list.clear();
        }
    }

    static List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** Everything a log line would print: message, MDC, and the whole exception chain with its messages. */
    static String printed(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(e.getFormattedMessage()).append(' ').append(e.getMDCPropertyMap());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return sb.toString();
    }

    static String wholeLog() {
        StringBuilder sb = new StringBuilder();
        events().forEach(e -> sb.append(printed(e)).append('\n'));
        return sb.toString();
    }

    @Test
    void theUnhandledErrorLogNamesTheRouteTemplateNotTheTokenInThePath() {
        HttpResponse<String> r = http.get("/reset/SECRET-RESET-TOKEN-4711");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(events()).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("unhandled error").contains("/reset/{token}"));
        assertThat(wholeLog()).doesNotContain("SECRET-RESET-TOKEN-4711");
    }
}
