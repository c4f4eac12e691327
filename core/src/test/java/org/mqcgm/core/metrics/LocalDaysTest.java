package org.mqcgm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Local-day mode: day labels follow the zone, DST days have 23/25 h, grid metrics stay put. */
class LocalDaysTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static List<GlucoseSample> everyFiveMinutes(Instant from, Instant to) {
        List<GlucoseSample> out = new ArrayList<>();
        int i = 0;
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(300), i++) {
            out.add(new GlucoseSample(t, 100 + 40 * Math.sin(i / 20.0)));
        }
        return out;
    }

    @Test
    void utcRegionZoneGivesTheReferenceResult() throws Exception {
        CgmRecording rec = OracleVectorsTest.readCase("c1_t1d_5min");
        Map<String, Object> reference = CgmAnalysis.analyze(rec, CgmOptions.reference()).toExpectedShape("c1");
        Map<String, Object> utcRegion = CgmAnalysis.analyze(rec, CgmOptions.reference().withZone(ZoneId.of("UTC")))
                .toExpectedShape("c1");
        assertThat(Traces.differences(reference, utcRegion)).isEmpty();
    }

    @Test
    void dailySummariesFollowLocalCalendarDays() {
        List<GlucoseSample> s = everyFiveMinutes(Instant.parse("2024-03-04T22:00:00Z"), Instant.parse("2024-03-05T02:00:00Z"));

        List<DailySummary> utc = CgmAnalysis.analyze(s, CgmOptions.reference()).daily();
        assertThat(utc).extracting(DailySummary::date, DailySummary::readings)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(LocalDate.of(2024, 3, 4), 24),
                        org.assertj.core.groups.Tuple.tuple(LocalDate.of(2024, 3, 5), 24));

        List<DailySummary> berlin = CgmAnalysis.analyze(s, CgmOptions.reference().withZone(BERLIN)).daily();
        assertThat(berlin).extracting(DailySummary::date, DailySummary::readings)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(LocalDate.of(2024, 3, 4), 12),
                        org.assertj.core.groups.Tuple.tuple(LocalDate.of(2024, 3, 5), 36));
    }

    @Test
    void springForwardDayHas23HoursAndAutumnDay25HoursOfReadings() {
        Instant springFrom = LocalDateTime.of(2024, 3, 30, 0, 0).atZone(BERLIN).toInstant();
        Instant springTo = LocalDateTime.of(2024, 4, 2, 0, 0).atZone(BERLIN).toInstant();
        CgmResult spring = CgmAnalysis.analyze(everyFiveMinutes(springFrom, springTo),
                CgmOptions.reference().withZone(BERLIN));
        assertThat(spring.daily()).extracting(DailySummary::readings).containsExactly(288, 276, 288);
        assertThat(spring.risk().adrrDays()).isEqualTo(3);
        assertThat(spring.agp().hourlyRaw().get(2).values()).as("02:00-02:59 does not exist on 31 March")
                .isEqualTo(2 * 12);

        Instant autumnFrom = LocalDateTime.of(2024, 10, 26, 0, 0).atZone(BERLIN).toInstant();
        Instant autumnTo = LocalDateTime.of(2024, 10, 29, 0, 0).atZone(BERLIN).toInstant();
        CgmResult autumn = CgmAnalysis.analyze(everyFiveMinutes(autumnFrom, autumnTo),
                CgmOptions.reference().withZone(BERLIN));
        assertThat(autumn.daily()).extracting(DailySummary::readings).containsExactly(288, 300, 288);
        assertThat(autumn.agp().hourlyRaw().get(2).values()).as("02:00-02:59 happens twice on 27 October")
                .isEqualTo(4 * 12);
    }

    @Test
    void gridMetricsDoNotDependOnTheReportingZone() throws Exception {
        CgmRecording rec = OracleVectorsTest.readCase("c7_gaps_dups_5min");
        CgmResult utc = CgmAnalysis.analyze(rec, CgmOptions.reference());
        CgmResult local = CgmAnalysis.analyze(rec, CgmOptions.reference().withZone(ZoneId.of("America/New_York")));

        assertThat(local.variability().conga()).isEqualTo(utc.variability().conga());
        assertThat(local.variability().modd()).isEqualTo(utc.variability().modd());
        assertThat(local.variability().mage().value()).isEqualTo(utc.variability().mage().value());
        assertThat(local.episodes()).usingRecursiveComparison().isEqualTo(utc.episodes());
        assertThat(local.sufficiency()).isEqualTo(utc.sufficiency());
        assertThat(local.timeInRanges()).isEqualTo(utc.timeInRanges());
    }

    @Test
    void agpTimeOfDayUsesTheLocalClock() {
        // glucose = 100 + UTC hour; at UTC+02:00 local hour h holds the values of UTC hour h - 2
        List<GlucoseSample> s = new ArrayList<>();
        Instant start = Instant.parse("2024-03-04T00:00:00Z");
        for (int i = 0; i < 7 * 288; i++) {
            Instant t = start.plusSeconds(300L * i);
            s.add(new GlucoseSample(t, 100 + t.atOffset(ZoneOffset.UTC).getHour()));
        }
        AmbulatoryGlucoseProfile agp = CgmAnalysis.analyze(s, CgmOptions.reference().withZone(ZoneOffset.ofHours(2)))
                .agp();
        for (int h = 0; h < 24; h++) {
            assertThat(agp.hourlyRaw().get(h).p50()).as("local hour %d", h).isEqualTo(100.0 + Math.floorMod(h - 2, 24));
        }
        AmbulatoryGlucoseProfile utc = CgmAnalysis.analyze(s, CgmOptions.reference()).agp();
        assertThat(agp.grid().get(24 * 12 / 2).p50()).isEqualTo(utc.grid().get(10 * 12).p50());
    }
}
