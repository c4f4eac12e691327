package org.mqcgm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mqcgm.core.metrics.Traces.concat;
import static org.mqcgm.core.metrics.Traces.repeat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Hand-built traces with readings exactly on the 5-minute grid (so grid values equal readings) and the
 * episode counts the consensus definition implies.
 */
class EpisodesTest {

    private static Episodes episodes(CgmOptions options, double... values) {
        List<GlucoseSample> samples = Traces.regular(Traces.MONDAY, 5, values);
        return CgmAnalysis.analyze(samples, options).episodes();
    }

    private static Episodes episodes(double... values) {
        return episodes(CgmOptions.reference(), values);
    }

    @Test
    void twentyMinutesBelow54IsOneLevel2AndOneLevel1Episode() {
        Episodes e = episodes(concat(repeat(100, 36), repeat(45, 4), repeat(100, 36)));

        assertThat(e.lv2Hypo().count()).isEqualTo(1);
        assertThat(e.lv1Hypo().count()).isEqualTo(1);
        assertThat(e.lv1HypoExclusive().count()).isZero();
        assertThat(e.extendedHypo().count()).isZero();
        assertThat(e.lv2Hypo().meanDurationMinutes()).isEqualTo(20.0);
        assertThat(e.lv2Hypo().meanGlucose()).isEqualTo(45.0);
        Episodes.Episode ep = e.lv2Hypo().episodes().get(0);
        assertThat(ep.start()).isEqualTo(Traces.MONDAY.plusSeconds(36 * 300));
        assertThat(ep.end()).isEqualTo(Traces.MONDAY.plusSeconds(39 * 300));
        assertThat(ep.extremeGlucose()).isEqualTo(45.0);
        assertThat(e.lv1Hyper().count()).isZero();
    }

    @Test
    void tenMinutesBelowThresholdIsNoEpisode() {
        Episodes e = episodes(concat(repeat(100, 36), repeat(45, 2), repeat(100, 36)));
        assertThat(e.lv1Hypo().count()).isZero();
        assertThat(e.lv2Hypo().count()).isZero();
    }

    @Test
    void shortReturnsAboveThresholdStayInsideOneEpisode() {
        // 20 min < 54, 10 min at 60 (too short to end the episode), 20 min < 54
        Episodes e = episodes(concat(repeat(100, 36), repeat(45, 4), repeat(60, 2), repeat(45, 4), repeat(100, 36)));
        assertThat(e.lv2Hypo().count()).isEqualTo(1);
        assertThat(e.lv2Hypo().meanDurationMinutes()).isEqualTo(50.0);
        assertThat(e.lv1Hypo().count()).isEqualTo(1);
    }

    @Test
    void level2EpisodesEndAtTheirOwnThresholdInReferenceMode() {
        // 20 min < 54, 20 min at 60 (>= 54 but < 70), 20 min < 54
        double[] trace = concat(repeat(100, 36), repeat(45, 4), repeat(60, 4), repeat(45, 4), repeat(100, 36));

        Episodes reference = episodes(trace);
        assertThat(reference.lv2Hypo().count()).isEqualTo(2);
        assertThat(reference.lv1Hypo().count()).isEqualTo(1);

        Episodes rule2019 = episodes(CgmOptions.reference().withEpisodes(
                EpisodeOptions.reference().withEndRule(Episodes.EndRule.LEVEL1_THRESHOLD)), trace);
        assertThat(rule2019.lv2Hypo().count()).isEqualTo(1);
        assertThat(rule2019.lv2Hypo().meanDurationMinutes()).isEqualTo(60.0);
    }

    @Test
    void level1OnlyEpisodesAreCountedAsExclusive() {
        Episodes e = episodes(concat(repeat(100, 36), repeat(60, 6), repeat(100, 36), repeat(45, 4), repeat(100, 36)));
        assertThat(e.lv1Hypo().count()).isEqualTo(2);
        assertThat(e.lv2Hypo().count()).isEqualTo(1);
        assertThat(e.lv1HypoExclusive().count()).isEqualTo(1);
    }

    @Test
    void moreThanTwoHoursBelow70IsExtendedHypoglycaemia() {
        assertThat(episodes(concat(repeat(100, 36), repeat(60, 25), repeat(100, 36))).extendedHypo().count())
                .as("25 points = 125 min").isEqualTo(1);
        Episodes exactlyTwoHours = episodes(concat(repeat(100, 36), repeat(60, 24), repeat(100, 36)));
        assertThat(exactlyTwoHours.extendedHypo().count()).as("24 points = 120 min").isZero();
        assertThat(exactlyTwoHours.lv1Hypo().count()).isEqualTo(1);
    }

    @Test
    void hyperglycaemiaEpisodesAreDetectedAtBothLevels() {
        Episodes veryHigh = episodes(concat(repeat(150, 36), repeat(260, 6), repeat(150, 36)));
        assertThat(veryHigh.lv1Hyper().count()).isEqualTo(1);
        assertThat(veryHigh.lv2Hyper().count()).isEqualTo(1);
        assertThat(veryHigh.lv1HyperExclusive().count()).isZero();
        assertThat(veryHigh.lv2Hyper().episodes().get(0).extremeGlucose()).isEqualTo(260.0);

        Episodes high = episodes(concat(repeat(150, 36), repeat(200, 6), repeat(150, 36)));
        assertThat(high.lv1Hyper().count()).isEqualTo(1);
        assertThat(high.lv2Hyper().count()).isZero();
        assertThat(high.lv1HyperExclusive().count()).isEqualTo(1);
    }

    @Test
    void episodesDoNotBridgeGapsLongerThanFortyFiveMinutes() {
        List<GlucoseSample> before = Traces.regular(Traces.MONDAY, 5, concat(repeat(100, 36), repeat(45, 2)));
        List<GlucoseSample> after = Traces.regular(Traces.MONDAY.plusSeconds(38 * 300 + 3600), 5,
                concat(repeat(45, 2), repeat(100, 36)));
        List<GlucoseSample> all = new java.util.ArrayList<>(before);
        all.addAll(after);
        Episodes e = CgmAnalysis.analyze(all, CgmOptions.reference()).episodes();
        assertThat(e.lv2Hypo().count()).as("two 10-min halves separated by a 1 h gap").isZero();
    }

    @Test
    void perDayRatesUseObservedGridTime() {
        // one day of data (288 points after the first grid point) and one episode
        Episodes e = episodes(concat(repeat(100, 100), repeat(45, 4), repeat(100, 185)));
        assertThat(e.observedDays()).isCloseTo(288 * 5 / 1440.0, within(1e-12));
        assertThat(e.lv2Hypo().perDay()).isCloseTo(1 / e.observedDays(), within(1e-12));
    }
}
