package org.mqcgm.server.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.platform.http.Problem;

/** Report periods are local days in the user's zone, also across daylight-saving changes. */
class ReportPeriodTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant NOW = Instant.parse("2024-04-03T10:00:00Z");

    private static ReportPeriod parse(String from, String to, List<Problem.FieldError> errors) {
        return ReportPeriod.parse(from, to, BERLIN, NOW, errors);
    }

    @Test
    void datesAreWholeLocalDaysWithBothEndsIncludedAcrossTheSpringChange() {
        List<Problem.FieldError> errors = new ArrayList<>();
        // 2024-03-31 has 23 hours in Berlin.
        ReportPeriod p = parse("2024-03-25", "2024-03-31", errors);

        assertThat(errors).isEmpty();
        assertThat(p.wholeDays()).isTrue();
        assertThat(p.days()).isEqualTo(7);
        assertThat(p.from().toString()).isEqualTo("2024-03-25T00:00+01:00[Europe/Berlin]");
        assertThat(p.to().toString()).isEqualTo("2024-04-01T00:00+02:00[Europe/Berlin]");
        assertThat(p.lastDay()).hasToString("2024-03-31");
        ReportPeriod previous = p.previous();
        assertThat(previous.firstDay()).hasToString("2024-03-18");
        assertThat(previous.lastDay()).hasToString("2024-03-24");
        assertThat(previous.days()).isEqualTo(7);
    }

    @Test
    void withoutParametersTheLast14LocalDaysEndingToday() {
        ReportPeriod p = parse(null, "  ", new ArrayList<>());

        assertThat(p.firstDay()).hasToString("2024-03-21");
        assertThat(p.lastDay()).hasToString("2024-04-03");
        assertThat(p.days()).isEqualTo(14);
        // 13 whole days (one of them 23 hours long) and 12 hours of today have passed
        assertThat(p.elapsedMinutes(NOW)).isEqualTo((13 * 24 - 1 + 12) * 60);
    }

    @Test
    void oneEndGivenMeans14DaysFromIt() {
        assertThat(parse("2024-03-01", null, new ArrayList<>()).lastDay()).hasToString("2024-03-14");
        assertThat(parse(null, "2024-03-14", new ArrayList<>()).firstDay()).hasToString("2024-03-01");
    }

    @Test
    void dateTimesAreInstantsAndTheEndIsExclusive() {
        List<Problem.FieldError> errors = new ArrayList<>();
        ReportPeriod p = parse("2024-03-30T12:00:00Z", "2024-03-31T12:00:00+02:00", errors);

        assertThat(errors).isEmpty();
        assertThat(p.wholeDays()).isFalse();
        assertThat(p.days()).isEqualTo(22.0 / 24);
        assertThat(p.previous().from().toInstant()).isEqualTo(Instant.parse("2024-03-29T14:00:00Z"));
    }

    @Test
    void ninetyLocalDaysAreAllowedEvenWhenADaylightSavingChangeMakesThemLonger() {
        List<Problem.FieldError> errors = new ArrayList<>();
        assertThat(parse("2024-01-01", "2024-03-30", errors)).isNotNull();
        assertThat(errors).isEmpty();
        assertThat(parse("2024-01-01", "2024-03-31", errors)).isNull();
        assertThat(errors).extracting(Problem.FieldError::rule).containsExactly("max-range");
    }
}
