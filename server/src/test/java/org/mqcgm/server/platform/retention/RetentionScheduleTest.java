package org.mqcgm.server.platform.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The retention schedule: the requirement's defaults, shortened per deployment, lengthened only with a reason. */
class RetentionScheduleTest {

    @Test
    @Tag("PR-54")
    void periodsMayOnlyBeShortenedWithoutAWrittenJustification() {
        RetentionSchedule defaults = RetentionSchedule.defaults();
        assertThat(defaults.period("crash-reports")).isEqualTo(Duration.ofDays(90));
        assertThat(defaults.period("security-events")).isEqualTo(Duration.ofDays(180));
        assertThat(defaults.period("devices-unlinked")).isEqualTo(Duration.ofDays(90));
        assertThat(defaults.period("support-tickets")).isEqualTo(Duration.ofDays(730));
        assertThat(defaults.period("application-logs")).isEqualTo(Duration.ofDays(30));
        assertThat(defaults.period("search-queries")).isEqualTo(Duration.ofDays(7));
        assertThat(defaults.categories()).allSatisfy(c -> assertThat(c.source()).isNotBlank());

        RetentionSchedule shorter = RetentionSchedule.fromSettings(Map.of("MQCGM_RETENTION_CRASH_REPORTS", "30",
                "MQCGM_RETENTION_SECURITY_EVENTS", "P90D"));
        assertThat(shorter.period("crash-reports")).isEqualTo(Duration.ofDays(30));
        assertThat(shorter.period("security-events")).isEqualTo(Duration.ofDays(90));

        assertThatThrownBy(() -> RetentionSchedule.fromSettings(Map.of("MQCGM_RETENTION_CRASH_REPORTS", "365")))
                .hasMessageContaining("crash-reports").hasMessageContaining("justification");
        RetentionSchedule justified = RetentionSchedule.fromSettings(Map.of("MQCGM_RETENTION_CRASH_REPORTS", "365",
                "MQCGM_RETENTION_CRASH_REPORTS_JUSTIFICATION", "medical-device vigilance, signed DPO 2026-11-02"));
        assertThat(justified.period("crash-reports")).isEqualTo(Duration.ofDays(365));
        assertThat(justified.justification("crash-reports")).hasValueSatisfying(j -> assertThat(j).contains("DPO"));

        assertThatThrownBy(() -> RetentionSchedule.fromSettings(Map.of("MQCGM_RETENTION_WEB_SESSIONS", "0")))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> RetentionSchedule.fromSettings(Map.of("MQCGM_RETENTION_WEB_SESSIONS", "soon")))
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> defaults.period("no-such")).hasMessageContaining("no retention category");
    }
}
