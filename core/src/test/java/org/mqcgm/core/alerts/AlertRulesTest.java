package org.mqcgm.core.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mqcgm.core.glucose.Reading;

/** The alert rules on hand-made traces whose outcome is worked out in each test's comment. */
class AlertRulesTest {

    static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
    static final ZoneOffset SHANGHAI = ZoneOffset.ofHours(8);
    static final AlertSettings ALL = new AlertSettings(EnumSet.allOf(AlertKind.class), 70, 250, 3.0, 3.0, 20, 20,
            null, null);

    /** Readings 5 minutes apart, the last one at {@code NOW}. */
    static List<Reading> every5(int... mgdl) {
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < mgdl.length; i++) {
            out.add(new Reading(NOW.minus(Duration.ofMinutes(5L * (mgdl.length - 1 - i))), SHANGHAI, mgdl[i]));
        }
        return out;
    }

    static List<AlertKind> kinds(List<AlertRules.Trigger> t) {
        return t.stream().map(AlertRules.Trigger::kind).toList();
    }

    @Test
    void aLowIsRaisedWithItsEpisodeAndItsInputs() {
        // 90, 82, 75, 68, 66: below 70 since the reading of 68 (5 minutes ago). The slope of the last 15 minutes
        // (82, 75, 68, 66) is -1.1 mg/dL/min: no fall alert (3); no predicted low either, as it is low already.
        List<AlertRules.Trigger> t = AlertRules.onReadings(every5(90, 82, 75, 68, 66), ALL, NOW);
        assertThat(kinds(t)).containsExactly(AlertKind.LOW);
        AlertRules.Trigger low = t.get(0);
        assertThat(low.episodeStart()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
        assertThat(low.at()).isEqualTo(NOW);
        assertThat(low.inputs()).containsEntry("mgdl", 66).containsEntry("thresholdMgdl", 70);
        assertThat(low.why()).isEqualTo("Glucose 66 mg/dL is below your low alert of 70 mg/dL.");
        assertThat(low.ruleVersion()).isEqualTo("alert-rules/1");
        assertThat(low.quiet()).isFalse();
    }

    @Test
    void theSameEpisodeKeepsItsStartSoAStoreRaisesItOnce() {
        Instant first = AlertRules.onReadings(every5(80, 68), ALL, NOW).get(0).episodeStart();
        // Ten minutes later, still low: the same episode (same kind, same start) — a second alert is not a new one.
        List<Reading> later = new ArrayList<>(every5(80, 68));
        later.add(new Reading(NOW.plus(Duration.ofMinutes(5)), SHANGHAI, 67));
        later.add(new Reading(NOW.plus(Duration.ofMinutes(10)), SHANGHAI, 66));
        AlertRules.Trigger again = AlertRules.onReadings(later, ALL, NOW.plus(Duration.ofMinutes(10))).stream()
                .filter(x -> x.kind() == AlertKind.LOW).findFirst().orElseThrow();
        assertThat(again.episodeStart()).isEqualTo(first).isEqualTo(NOW);
        // Back above 70, then low again: a new episode.
        later.add(new Reading(NOW.plus(Duration.ofMinutes(15)), SHANGHAI, 74));
        later.add(new Reading(NOW.plus(Duration.ofMinutes(20)), SHANGHAI, 69));
        AlertRules.Trigger next = AlertRules.onReadings(later, ALL, NOW.plus(Duration.ofMinutes(20))).stream()
                .filter(x -> x.kind() == AlertKind.LOW).findFirst().orElseThrow();
        assertThat(next.episodeStart()).isEqualTo(NOW.plus(Duration.ofMinutes(20)));
    }

    @Test
    void anUrgentLowReplacesTheLowAndIsNeverQuiet() {
        AlertSettings quietAtNight = new AlertSettings(EnumSet.allOf(AlertKind.class), 70, 250, 3.0, 3.0, 20, 20,
                LocalTime.of(22, 0), LocalTime.of(7, 0));
        // NOW is 11:00 in Shanghai: move the trace to 02:00 local (18:00 UTC the day before).
        Instant night = Instant.parse("2026-12-06T18:00:00Z");
        List<Reading> r = List.of(new Reading(night.minus(Duration.ofMinutes(5)), SHANGHAI, 58),
                new Reading(night, SHANGHAI, 52));
        List<AlertRules.Trigger> t = AlertRules.onReadings(r, quietAtNight, night);
        assertThat(kinds(t)).contains(AlertKind.URGENT_LOW).doesNotContain(AlertKind.LOW);
        AlertRules.Trigger urgent = t.get(0);
        assertThat(urgent.quiet()).isFalse();
        assertThat(urgent.episodeStart()).isEqualTo(night);
        assertThat(urgent.why()).isEqualTo("Glucose 52 mg/dL is below the urgent low of 55 mg/dL.");
        // A low at the same hour is quiet.
        List<Reading> low = List.of(new Reading(night, SHANGHAI, 65));
        assertThat(AlertRules.onReadings(low, quietAtNight, night)).singleElement()
                .satisfies(x -> assertThat(x.quiet()).isTrue());
        // The urgent low cannot be turned off.
        AlertSettings nothingOn = new AlertSettings(EnumSet.noneOf(AlertKind.class), 70, 250, 3, 3, 20, 20, null,
                null);
        assertThat(kinds(AlertRules.onReadings(r, nothingOn, night))).containsExactly(AlertKind.URGENT_LOW);
    }

    @Test
    void theSensorsLowAndHighCountAsBeyondEveryThreshold() {
        Reading lo = new Reading(NOW, SHANGHAI, 40, Reading.Marker.LOW, Double.NaN, -1, 0, null);
        AlertRules.Trigger t = AlertRules.onReadings(List.of(lo), ALL, NOW).get(0);
        assertThat(t.kind()).isEqualTo(AlertKind.URGENT_LOW);
        assertThat(t.why()).isEqualTo("Glucose is below what the sensor can measure, under the urgent low of 55 mg/dL.");
        Reading hi = new Reading(NOW, SHANGHAI, 400, Reading.Marker.HIGH, Double.NaN, -1, 0, null);
        assertThat(kinds(AlertRules.onReadings(List.of(hi), ALL, NOW))).containsExactly(AlertKind.HIGH);
    }

    @Test
    void aPredictedLowKeepsTheModelsInputsAndOutput() {
        // 120, 110, 100, 90 five minutes apart: slope -2 mg/dL/min; in 20 minutes 90 - 40 = 50 < 70, not low yet.
        List<AlertRules.Trigger> t = AlertRules.onReadings(every5(120, 110, 100, 90), ALL, NOW);
        AlertRules.Trigger p = t.stream().filter(x -> x.kind() == AlertKind.PREDICTED_LOW).findFirst().orElseThrow();
        assertThat(p.inputs()).containsEntry("mgdl", 90).containsEntry("ratePerMinute", -2.0)
                .containsEntry("horizonMinutes", 20).containsEntry("predictedMgdl", 50)
                .containsEntry("thresholdMgdl", 70);
        assertThat(p.why()).contains("would be 50 mg/dL in 20 minutes").contains("falling 2.0 mg/dL per minute");
        // 120, 118, 116, 114: slope -0.4, 114 - 8 = 106: no prediction.
        assertThat(kinds(AlertRules.onReadings(every5(120, 118, 116, 114), ALL, NOW)))
                .doesNotContain(AlertKind.PREDICTED_LOW);
    }

    @Test
    void fastRiseAndFallFollowTheFifteenMinuteSlope() {
        // 100, 115, 130, 145: +3 mg/dL/min, exactly the rise rate.
        AlertRules.Trigger rise = AlertRules.onReadings(every5(100, 115, 130, 145), ALL, NOW).get(0);
        assertThat(rise.kind()).isEqualTo(AlertKind.RISE);
        assertThat(rise.inputs()).containsEntry("ratePerMinute", 3.0).containsEntry("thresholdRate", 3.0);
        // 145, 130, 115, 100: -3 mg/dL/min: a fall, and 100 - 60 = 40 in 20 minutes: a predicted low too.
        assertThat(kinds(AlertRules.onReadings(every5(145, 130, 115, 100), ALL, NOW)))
                .containsExactly(AlertKind.FALL, AlertKind.PREDICTED_LOW);
        // 100, 110, 120, 130: +2 mg/dL/min: nothing.
        assertThat(AlertRules.onReadings(every5(100, 110, 120, 130), ALL, NOW)).isEmpty();
        // Off by default.
        assertThat(kinds(AlertRules.onReadings(every5(100, 115, 130, 145), AlertSettings.defaults(), NOW)))
                .doesNotContain(AlertKind.RISE);
    }

    @Test
    void backfilledHistoryRaisesNothing() {
        List<Reading> old = every5(60, 50, 45).stream()
                .map(r -> new Reading(r.time().minus(Duration.ofHours(2)), SHANGHAI, r.mgdl())).toList();
        assertThat(AlertRules.onReadings(old, ALL, NOW)).isEmpty();
        assertThat(AlertRules.onReadings(List.of(), ALL, NOW)).isEmpty();
    }

    @Test
    void aGapEndsAnEpisode() {
        List<Reading> r = List.of(new Reading(NOW.minus(Duration.ofMinutes(40)), SHANGHAI, 260),
                new Reading(NOW, SHANGHAI, 270));
        assertThat(AlertRules.onReadings(r, ALL, NOW).get(0).episodeStart()).isEqualTo(NOW);
    }

    @Test
    void signalLossIsRaisedOncePerSilence() {
        Instant last = NOW.minus(Duration.ofMinutes(25));
        AlertRules.Trigger t = AlertRules.signalLoss(last, SHANGHAI, ALL, NOW).orElseThrow();
        assertThat(t.episodeStart()).isEqualTo(last);
        assertThat(t.at()).isEqualTo(last.plus(Duration.ofMinutes(20)));
        assertThat(t.inputs()).containsEntry("minutesWithoutReading", 25L).containsEntry("thresholdMinutes", 20);
        assertThat(t.why()).isEqualTo("No reading for 25 minutes (your signal-loss alert is 20 minutes).");
        assertThat(AlertRules.signalLoss(NOW.minus(Duration.ofMinutes(19)), SHANGHAI, ALL, NOW)).isEmpty();
        // Inside quiet hours too it sounds: without readings an urgent low would go unseen.
        AlertSettings quietAllDay = new AlertSettings(EnumSet.allOf(AlertKind.class), 70, 250, 3.0, 3.0, 20, 20,
                LocalTime.of(0, 0), LocalTime.of(23, 59));
        assertThat(AlertRules.signalLoss(last, SHANGHAI, quietAllDay, NOW).orElseThrow().quiet()).isFalse();
    }

    @Test
    void settingsOutOfRangeNameTheField() {
        AlertSettings lowAboveHigh = new AlertSettings(EnumSet.allOf(AlertKind.class), 150, 120, 3, 3, 20, 20,
                null, null);
        assertThat(lowAboveHigh.problems()).extracting(AlertSettings.Problem::field, AlertSettings.Problem::rule)
                .contains(org.assertj.core.groups.Tuple.tuple("low", "below-high"));
        AlertSettings bad = new AlertSettings(EnumSet.allOf(AlertKind.class), 40, 500, 0, 11, 0, -5,
                LocalTime.of(22, 0), null);
        assertThat(bad.problems()).extracting(AlertSettings.Problem::field).containsExactlyInAnyOrder("low", "high",
                "riseRate", "fallRate", "predictionMinutes", "signalLossMinutes", "quietTo");
        assertThat(AlertSettings.defaults().problems()).isEmpty();
        assertThat(AlertSettings.defaults().on(AlertKind.URGENT_LOW)).isTrue();
    }
}
