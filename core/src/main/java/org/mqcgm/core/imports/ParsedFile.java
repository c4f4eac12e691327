package org.mqcgm.core.imports;

import java.util.List;
import org.mqcgm.core.glucose.GlucoseUnit;

/**
 * A file read into candidate readings and logbook check-ins, before time-zone conversion.
 *
 * @param format     the detected (or requested) format
 * @param unit       the unit the file gives glucose in
 * @param candidates the readings found, in file order
 * @param skipped    the rows left out, each with its reason
 * @param rows       how many data rows (or JSON items) the file has
 * @param note       what the parser had to assume (e.g. the date order of a LibreView file), or null
 * @param checkins   the logbook check-ins found (meals, insulin, meter readings, exercise, notes), in file order
 */
public record ParsedFile(ImportFormat format, GlucoseUnit unit, List<Candidate> candidates, List<Skipped> skipped,
                         int rows, String note, List<LogCandidate> checkins) {

    public ParsedFile {
        candidates = List.copyOf(candidates);
        skipped = List.copyOf(skipped);
        checkins = List.copyOf(checkins);
    }

    /** A file of readings only. */
    public ParsedFile(ImportFormat format, GlucoseUnit unit, List<Candidate> candidates, List<Skipped> skipped,
                      int rows, String note) {
        this(format, unit, candidates, skipped, rows, note, List.of());
    }
}
