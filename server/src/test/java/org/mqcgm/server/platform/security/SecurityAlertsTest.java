package org.mqcgm.server.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.server.testing.TestApp;

/**
 * In-product alerting on automated attacks (ASVS V11.1.8): security events counted by kind in PostgreSQL, and when
 * a configured threshold is crossed the operator gets one e-mail with counts only, no second one within the window,
 * a new one after it; the events and alerts are counted on {@code /metrics}.
 */
class SecurityAlertsTest {

    static final MutableClock clock = MutableClock.now();
    static final String OPS = "ops-alerts@example.org";
    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), clock, () -> null, c -> c
            .withGovernanceSetting(SecurityAlerts.setting("credential.rejected"), "5/10m")
            .withGovernanceSetting(SecurityAlerts.EMAIL, OPS));

    /** A request with an API token that names no token: a rejected credential in the security log. */
    static void guessToken() {
        assertThat(new Http(app.url()).get("/api/v1/readings", "Authorization", "Bearer guessed-"
                + UUID.randomUUID()).statusCode()).isEqualTo(401);
    }

    static long counted() {
        return app.sql().withHandle(h -> h.createQuery("select coalesce(sum(events), 0) from security_event_count"
                + " where kind = 'credential.rejected'").mapTo(Long.class).one());
    }

    static long alertMails() {
        return app.outboxMessages().filter(m -> m.startsWith("To: " + OPS + "\n")).count();
    }

    @Test
    void crossingAThresholdWithRealRequestsMailsTheOperatorOnceInTheWindow() {
        for (int i = 0; i < 4; i++) {
            guessToken();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> counted() == 4);
        assertThat(alertMails()).as("under the threshold").isZero();

        guessToken();
        String mail = app.awaitOutbox(OPS, Pattern.compile("(?s)(security alert: credential\\.rejected.*)"));
        assertThat(mail).contains("counted 5 security events of the kind credential.rejected within 10 min")
                .contains("threshold is 5").contains("MQCGM_SECURITY_ALERT_CREDENTIAL_REJECTED")
                .doesNotContain("guessed-").doesNotContain("127.0.0.1");

        // More guesses in the same window: counted, no second mail. The flusher is one thread, so once a later
        // guess is counted, the flush that counted the tenth (and would have claimed a second alert) is over.
        for (int i = 0; i < 5; i++) {
            guessToken();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> counted() == 10);
        guessToken();
        await().atMost(Duration.ofSeconds(20)).until(() -> counted() == 11);
        assertThat(alertMails()).as("one alert in the window").isEqualTo(1);
        assertThat(app.app().metrics().scrape())
                .containsPattern("mqcgm_security_alerts_total\\{[^}]*kind=\"credential.rejected\"[^}]*\\} 1")
                .containsPattern("mqcgm_security_events_total\\{[^}]*kind=\"credential.rejected\"[^}]*\\} 11");

        // After the window the events of the next one alert again.
        clock.advance(Duration.ofMinutes(11));
        for (int i = 0; i < 5; i++) {
            guessToken();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> alertMails() == 2);
    }

    @Test
    void settingsNameTheKindAndAWrongOneIsRefusedWithItsName() {
        SecurityAlerts.Settings s = SecurityAlerts.Settings.parse(Map.of(
                "MQCGM_SECURITY_ALERT_CSRF_REFUSED", "off", "MQCGM_SECURITY_ALERT_ACCESS_DENIED", "7/1h",
                "MQCGM_SECURITY_ALERT_EMAIL", "a@example.org, b@example.org"));
        assertThat(s.rules()).doesNotContainKey("csrf.refused")
                .containsEntry("access.denied", new SecurityAlerts.Rule(7, Duration.ofHours(1)))
                .containsEntry("credential.rejected", SecurityAlerts.DEFAULTS.get("credential.rejected"));
        assertThat(s.recipients()).containsExactly("a@example.org", "b@example.org");
        assertThatThrownBy(() -> SecurityAlerts.Settings.parse(Map.of("MQCGM_SECURITY_ALERT_LOGINZ", "5/1m")))
                .hasMessageStartingWith("MQCGM_SECURITY_ALERT_LOGINZ: no such security alert");
        assertThatThrownBy(() -> SecurityAlerts.Settings.parse(Map.of("MQCGM_SECURITY_ALERT_ACCESS_DENIED", "5")))
                .hasMessageStartingWith("MQCGM_SECURITY_ALERT_ACCESS_DENIED: must be <events>/<window>");
    }
}
