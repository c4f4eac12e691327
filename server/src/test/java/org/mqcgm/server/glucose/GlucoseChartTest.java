package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;

class GlucoseChartTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static List<String> hourLabels(String svg) {
        Matcher m = Pattern.compile("<text class=\"xlabel\"[^>]*>([^<]+)</text>").matcher(svg);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static String chart(List<Reading> readings, Instant from, Instant to, ZoneId zone) {
        return GlucoseChart.render(readings, from, to, zone, GlucoseUnit.MG_DL, "t", "empty");
    }

    @Test
    void springForwardDayShowsTheMissingHourAsMissing() {
        // 2026-03-08: New York clocks jump from 02:00 to 03:00 EDT; the day has 23 hours.
        Instant from = Instant.parse("2026-03-08T05:00:00Z"); // 00:00 EST
        Instant to = Instant.parse("2026-03-09T04:00:00Z");   // 00:00 EDT next day
        assertThat(hourLabels(chart(List.of(), from, to, NEW_YORK)))
                .containsExactly("03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "00:00");
    }

    @Test
    void fallBackDayShowsTheRepeatedHourTwice() {
        // 2026-11-01: New York clocks fall back from 02:00 EDT to 01:00 EST; the day has 25 hours.
        Instant from = Instant.parse("2026-11-01T04:00:00Z"); // 00:00 EDT
        Instant to = Instant.parse("2026-11-02T05:00:00Z");   // 00:00 EST next day
        List<String> labels = hourLabels(chart(List.of(), from, to, NEW_YORK));
        assertThat(labels).containsExactly("03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "00:00");
        String svg = chart(List.of(), from, to, NEW_YORK);
        // The 03:00 tick sits one extra hour (of 25) to the right because 01:00 happened twice.
        double x03 = xOfLabel(svg, "03:00");
        assertThat(x03).isCloseTo(34 + (352 - 34) * 4.0 / 25.0, org.assertj.core.data.Offset.offset(0.1));
    }

    private static double xOfLabel(String svg, String label) {
        Matcher m = Pattern.compile("<text class=\"xlabel\" x=\"([0-9.]+)\"[^>]*>" + label + "</text>").matcher(svg);
        assertThat(m.find()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void gapsLongerThanFifteenMinutesBreakTheLine() {
        Instant t = Instant.parse("2026-06-01T00:00:00Z");
        List<Reading> readings = List.of(
                Reading.utc(t, 100), Reading.utc(t.plusSeconds(300), 110),
                Reading.utc(t.plusSeconds(3600), 150), Reading.utc(t.plusSeconds(3900), 160));
        String svg = chart(readings, t.minusSeconds(600), t.plusSeconds(7200), ZoneId.of("UTC"));
        Matcher path = Pattern.compile("<path class=\"trace\" d=\"([^\"]+)\"").matcher(svg);
        assertThat(path.find()).isTrue();
        assertThat(path.group(1).chars().filter(c -> c == 'M').count()).isEqualTo(2);
        assertThat(path.group(1).chars().filter(c -> c == 'L').count()).isEqualTo(2);
        assertThat(svg.split("<circle ").length - 1).isEqualTo(4 + 1);
    }

    @Test
    void pointsAreColouredByConsensusBand() {
        assertThat(GlucoseChart.rangeClass(53)).isEqualTo("vlow");
        assertThat(GlucoseChart.rangeClass(54)).isEqualTo("low");
        assertThat(GlucoseChart.rangeClass(70)).isEqualTo("inrange");
        assertThat(GlucoseChart.rangeClass(180)).isEqualTo("inrange");
        assertThat(GlucoseChart.rangeClass(181)).isEqualTo("high");
        assertThat(GlucoseChart.rangeClass(251)).isEqualTo("vhigh");
    }

    @Test
    void mmolAxisLabelsAndEmptyText() {
        Instant t = Instant.parse("2026-06-01T00:00:00Z");
        String svg = GlucoseChart.render(List.of(), t, t.plusSeconds(86400), ZoneId.of("UTC"), GlucoseUnit.MMOL_L,
                "Last <24> hours", "No readings");
        assertThat(svg).contains(">3.9</text>").contains(">10.0</text>").contains(">No readings</text>")
                .contains("Last &lt;24&gt; hours").doesNotContain("<script").doesNotContain("style=");
    }

    @Test
    void coordinatesHaveOneDecimalWhateverTheLocale() {
        assertThat(GlucoseChart.fmt(0)).isEqualTo("0.0");
        assertThat(GlucoseChart.fmt(34)).isEqualTo("34.0");
        assertThat(GlucoseChart.fmt(95.75)).isEqualTo("95.8");
        assertThat(GlucoseChart.fmt(-0.26)).isEqualTo("-0.3");
        assertThat(GlucoseChart.fmt(-0.04)).isEqualTo("0.0");
    }
}
