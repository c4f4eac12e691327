package org.mqcgm.core.metrics;

import org.mqcgm.core.glucose.GlucoseUnit;

import java.util.List;
import java.util.Objects;

/**
 * Raw readings as delivered by a source (e.g. a CSV export), before preprocessing.
 *
 * @param inputUnit unit the source used; samples are already converted to mg/dL
 * @param rowsRead  number of data rows the source contained, including rows that could not be parsed
 *                  (reported as {@code preprocessing.n_rows})
 * @param samples   parsed samples in source order, possibly unsorted and with duplicate timestamps
 */
public record CgmRecording(GlucoseUnit inputUnit, int rowsRead, List<GlucoseSample> samples) {

    public CgmRecording {
        Objects.requireNonNull(inputUnit, "inputUnit");
        samples = List.copyOf(samples);
        if (rowsRead < samples.size()) {
            throw new IllegalArgumentException("rowsRead < number of samples");
        }
    }

    /** A recording whose every row was parsed. */
    public static CgmRecording of(GlucoseUnit inputUnit, List<GlucoseSample> samples) {
        return new CgmRecording(inputUnit, samples.size(), samples);
    }
}
