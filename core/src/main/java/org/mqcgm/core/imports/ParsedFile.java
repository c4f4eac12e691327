package org.mqcgm.core.imports;

import java.util.List;
import org.mqcgm.core.glucose.GlucoseUnit;

/**
 * A file read into candidate readings, before time-zone conversion.
 *
 * @param format     the detected (or requested) format
 * @param unit       the unit the file gives glucose in
 * @param candidates the readings found, in file order
 * @param skipped    the rows left out, each with its reason
 * @param rows       how many data rows (or JSON items) the file has
 * @param note       what the parser had to assume (e.g. the date order of a LibreView file), or null
 */
public record ParsedFile(ImportFormat format, GlucoseUnit unit, List<Candidate> candidates, List<Skipped> skipped,
                         int rows, String note) {

    public ParsedFile {
        candidates = List.copyOf(candidates);
        skipped = List.copyOf(skipped);
    }
}
