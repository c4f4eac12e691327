package org.mqcgm.core.metrics;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * All knobs of the metrics engine. {@link #reference()} reproduces the project's oracle
 * ({@code docs/spec/metrics-reference.R}) and is what the shared test vectors were produced with; every
 * other value is a documented deviation (see {@code docs/metrics.md}).
 *
 * @param zone                   time zone that defines a "day" (daily summaries, ADRR days, AGP time of
 *                               day, grid anchor). Reference: UTC (ambiguity A3). Clinical reports should
 *                               pass the patient's zone; see {@link CgmAnalysis} for the DST rules.
 * @param thresholds             range thresholds (A2, A6, A9)
 * @param rangeBasis             count-based (reference) or time-weighted percentages (A7)
 * @param interGapMinutes        gaps longer than this are not interpolated on the uniform grid (45, A14)
 * @param congaHours             CONGA lag n in hours (reference 1; iglu's default is 24, A15)
 * @param mage                   MAGE parameters (A16, A17)
 * @param episodes               episode definition (A18-A20)
 * @param adrrMinReadingsPerDay  days with fewer readings are left out of ADRR (reference 1, A13)
 */
public record CgmOptions(ZoneId zone,
                         RangeThresholds thresholds,
                         TimeInRanges.Basis rangeBasis,
                         double interGapMinutes,
                         int congaHours,
                         MageOptions mage,
                         EpisodeOptions episodes,
                         int adrrMinReadingsPerDay) {

    public CgmOptions {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(rangeBasis, "rangeBasis");
        Objects.requireNonNull(mage, "mage");
        Objects.requireNonNull(episodes, "episodes");
        if (!(interGapMinutes > 0)) {
            throw new IllegalArgumentException("interGapMinutes must be positive");
        }
        if (congaHours < 1) {
            throw new IllegalArgumentException("congaHours must be >= 1");
        }
        if (adrrMinReadingsPerDay < 1) {
            throw new IllegalArgumentException("adrrMinReadingsPerDay must be >= 1");
        }
    }

    /** The oracle-compatible reference mode (UTC days, mg/dL thresholds, count-based percentages, ...). */
    public static CgmOptions reference() {
        return new CgmOptions(ZoneOffset.UTC, RangeThresholds.consensusMgdl(), TimeInRanges.Basis.READING_COUNT,
                45, 1, MageOptions.reference(), EpisodeOptions.reference(), 1);
    }

    /** Same options with local days in {@code newZone}. */
    public CgmOptions withZone(ZoneId newZone) {
        return new CgmOptions(newZone, thresholds, rangeBasis, interGapMinutes, congaHours, mage, episodes,
                adrrMinReadingsPerDay);
    }

    public CgmOptions withThresholds(RangeThresholds newThresholds) {
        return new CgmOptions(zone, newThresholds, rangeBasis, interGapMinutes, congaHours, mage, episodes,
                adrrMinReadingsPerDay);
    }

    public CgmOptions withRangeBasis(TimeInRanges.Basis newBasis) {
        return new CgmOptions(zone, thresholds, newBasis, interGapMinutes, congaHours, mage, episodes,
                adrrMinReadingsPerDay);
    }

    public CgmOptions withInterGapMinutes(double minutes) {
        return new CgmOptions(zone, thresholds, rangeBasis, minutes, congaHours, mage, episodes,
                adrrMinReadingsPerDay);
    }

    public CgmOptions withCongaHours(int hours) {
        return new CgmOptions(zone, thresholds, rangeBasis, interGapMinutes, hours, mage, episodes,
                adrrMinReadingsPerDay);
    }

    public CgmOptions withMage(MageOptions newMage) {
        return new CgmOptions(zone, thresholds, rangeBasis, interGapMinutes, congaHours, newMage, episodes,
                adrrMinReadingsPerDay);
    }

    public CgmOptions withEpisodes(EpisodeOptions newEpisodes) {
        return new CgmOptions(zone, thresholds, rangeBasis, interGapMinutes, congaHours, mage, newEpisodes,
                adrrMinReadingsPerDay);
    }

    public CgmOptions withAdrrMinReadingsPerDay(int minReadings) {
        return new CgmOptions(zone, thresholds, rangeBasis, interGapMinutes, congaHours, mage, episodes,
                minReadings);
    }
}
