package org.mqcgm.server.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.glucose.ReadingStore;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.consent.DataCategory;
import org.mqcgm.server.platform.transparency.PurposeContext;
import org.mqcgm.server.platform.transparency.PurposeViolationException;
import org.mqcgm.server.testing.TestApp;

/**
 * Purpose-bound access (PR-03): the glucose data-access layer refuses a read of readings (category GLU) for a
 * purpose the registry does not register for it — a newsletter — before anything is read, and records a security
 * event; reads for the care purpose (health data, the default of code that declares none) and for analysis succeed.
 */
class PurposeBoundReadsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    @Tag("PR-03")
    void aReadOfReadingsForANewsletterIsRefusedAndRecordedWhileCareReadsSucceed() {
        UUID owner = app.newUser("purpose-bound@example.org");
        Instant t = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        app.app().readings().store(owner, List.of(new Reading(t, ZoneOffset.UTC, 131)));
        ReadingStore store = app.app().readings().store();
        Instant from = t.minus(Duration.ofHours(1));
        Instant to = t.plus(Duration.ofHours(1));

        assertThat(Purpose.NEWSLETTER.covers(DataCategory.GLU)).isFalse();
        assertThatThrownBy(() -> PurposeContext.call(Purpose.NEWSLETTER, () -> store.range(owner, from, to)))
                .isInstanceOf(PurposeViolationException.class)
                .hasMessageContaining("newsletter").hasMessageContaining("GLU");
        assertThatThrownBy(() -> PurposeContext.call(Purpose.COMMUNITY, () -> store.latest(owner, to)))
                .isInstanceOf(PurposeViolationException.class);

        List<Map<String, Object>> events = app.sql().withHandle(h -> h.createQuery(
                        "select purpose, category, operation from purpose_violation where owner_id = :o order by at")
                .bind("o", owner).mapToMap().list());
        assertThat(events).extracting(e -> e.get("purpose") + "/" + e.get("category") + "/" + e.get("operation"))
                .containsExactlyInAnyOrder("newsletter/GLU/glucose.readings.range",
                        "community/GLU/glucose.readings.latest");

        // The care purpose (declared, or by default) and analysis read the same data; nothing more is recorded.
        assertThat(PurposeContext.call(Purpose.HEALTH_DATA, () -> store.range(owner, from, to)))
                .extracting(Reading::mgdl).containsExactly(131);
        assertThat(PurposeContext.call(Purpose.ANALYSIS, () -> store.latest(owner, to))).isPresent();
        assertThat(store.range(owner, from, to)).hasSize(1);
        assertThat(PurposeContext.current()).isEqualTo(Purpose.HEALTH_DATA);
        int recorded = app.sql().withHandle(h -> h.createQuery(
                        "select count(*) from purpose_violation where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
        assertThat(recorded).isEqualTo(2);
    }

    @Test
    @Tag("PR-03")
    void aReadOfLogbookNotesForANewsletterIsRefusedAndRecordedWhileCareReadsSucceed() throws Exception {
        String token = app.newUserToken("purpose-bound-logbook@example.org");
        UUID owner = app.app().accounts().findId("purpose-bound-logbook@example.org").orElseThrow();
        java.net.http.HttpResponse<String> made = new org.mqcgm.server.testing.Http(app.url()).postJson(
                "/api/v1/checkins", "{\"time\":\"" + Instant.now().minus(10, ChronoUnit.MINUTES)
                        .truncatedTo(ChronoUnit.SECONDS) + "\",\"kind\":\"note\",\"note\":\"porridge\"}",
                "Authorization", "Bearer " + token);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        UUID id = UUID.fromString(new com.fasterxml.jackson.databind.ObjectMapper().readTree(made.body()).path("id")
                .asText());
        var entries = app.app().feature(org.mqcgm.server.logbook.LogbookFeature.class).entries();
        Instant from = Instant.now().minus(Duration.ofHours(1));
        Instant to = Instant.now().plus(Duration.ofHours(1));

        assertThat(Purpose.NEWSLETTER.covers(DataCategory.SOC)).isFalse();
        assertThatThrownBy(() -> PurposeContext.call(Purpose.NEWSLETTER, () -> entries.find(owner, id)))
                .isInstanceOf(PurposeViolationException.class).hasMessageContaining("SOC");
        assertThatThrownBy(() -> PurposeContext.call(Purpose.CRASH_REPORTS, () -> entries.between(owner, from, to,
                10))).isInstanceOf(PurposeViolationException.class);
        List<Map<String, Object>> events = app.sql().withHandle(h -> h.createQuery(
                        "select purpose, category, operation from purpose_violation where owner_id = :o order by at")
                .bind("o", owner).mapToMap().list());
        assertThat(events).extracting(e -> e.get("purpose") + "/" + e.get("category") + "/" + e.get("operation"))
                .containsExactlyInAnyOrder("newsletter/SOC/logbook.checkins.find",
                        "crash-reports/SOC/logbook.checkins.list");

        // The care purpose (declared, or by default) reads the note.
        assertThat(PurposeContext.call(Purpose.HEALTH_DATA, () -> entries.find(owner, id))).isPresent();
        assertThat(entries.between(owner, from, to, 10)).hasSize(1);
        int recorded = app.sql().withHandle(h -> h.createQuery(
                        "select count(*) from purpose_violation where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
        assertThat(recorded).isEqualTo(2);
    }
}
