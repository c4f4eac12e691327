package org.mqcgm.server.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;

/** The report's SVG charts: classes only on the web, own styles in the PDF, local days of 23 or 25 hours. */
class ReportChartsTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Report.DayProfile day(LocalDate date, int... minutesAndMgdl) {
        ZonedDateTime start = date.atStartOfDay(BERLIN);
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < minutesAndMgdl.length; i += 2) {
            readings.add(Reading.utc(start.toInstant().plusSeconds(60L * minutesAndMgdl[i]), minutesAndMgdl[i + 1]));
        }
        return new Report.DayProfile(date, start, date.plusDays(1).atStartOfDay(BERLIN), readings, null);
    }

    @Test
    void aDailyProfileColoursItsPartsByBandAndBreaksAtGaps() {
        // 150 → 210 crosses 180; then a 30-minute gap; then a low.
        String svg = new ReportCharts(false).day(day(LocalDate.of(2024, 5, 2), 600, 150, 605, 210, 635, 60, 640, 62),
                "2024-05-02");

        assertThat(svg).contains("class=\"trace inrange\"").contains("class=\"trace high\"")
                .contains("class=\"trace low\"").doesNotContain("style");
        // the in-range part ends where the trace crosses 180 mg/dL (y 32.7) and the high part starts there
        assertThat(svg).contains("L41.8 32.7\"/><path class=\"trace high\" d=\"M41.8 32.7 L42.0 27.3\"/>");
        // the 30-minute gap is not bridged: nothing is drawn from 10:05 (x 42.0) to 10:35 (x 44.1)
        assertThat(svg).doesNotContain("M42.0 27.3 L");
    }

    @Test
    void theSpringForwardDayHas23HoursAcrossTheWholeWidth() {
        // 2024-03-31 in Berlin: local midnight to midnight is 1380 minutes; a reading 1375 minutes after midnight
        // (23:55 local) sits at the right edge.
        String svg = new ReportCharts(false).day(day(LocalDate.of(2024, 3, 31), 1375, 120), "2024-03-31");

        assertThat(svg).contains("M99.6 ");
    }

    @Test
    void pdfChartsCarryTheirOwnStylesAndWebChartsOnlyClasses() {
        Report.DayProfile d = day(LocalDate.of(2024, 5, 2), 600, 150);
        assertThat(new ReportCharts(true).day(d, "x")).contains("<style type=\"text/css\"><![CDATA[")
                .contains(".p50 {");
        assertThat(new ReportCharts(false).day(d, "x")).doesNotContain("<style");
    }

    @Test
    void withoutCurvesTheAgpChartIsOnlyTheFrameInTheUsersUnit() {
        String svg = new ReportCharts(false).agp(List.of(), false, GlucoseUnit.MMOL_L, "AGP");

        assertThat(svg).doesNotContain("p50").doesNotContain("p5-95").contains(">3.9</text>").contains(">10.0</text>")
                .contains(">24:00</text>");
    }
}
