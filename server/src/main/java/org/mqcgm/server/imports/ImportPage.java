package org.mqcgm.server.imports;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What the import page shows of one import (times in the import's zone).
 *
 * @param skipped rows left out, as "row: reason"
 */
public record ImportPage(String id, String status, int progress, String format, String unit, String zone,
                         boolean zoneAssumed, boolean zoneLess, String first, String last, String lastDate, int count,
                         int duplicates, int dstGaps, int dstRepeats, int skippedTotal, List<Row> skipped,
                         String note, int stored, int checkins, java.util.Map<String, Integer> checkinKinds,
                         int checkinDuplicates, int checkinsStored) {

    /** A skipped row. */
    public record Row(int row, String reason) {
    }

    static ImportPage of(ApiSchemas.Import i) {
        ZoneId zone = ZoneId.of(i.zone());
        DateTimeFormatter minutes = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
        Instant first = Instant.parse(i.first());
        Instant last = Instant.parse(i.last());
        boolean zoneLess = org.mqcgm.core.imports.ImportFormat.byId(i.format()).map(
                org.mqcgm.core.imports.ImportFormat::zoneLess).orElse(false);
        return new ImportPage(i.id(), i.status(), i.progress(), org.mqcgm.core.imports.ImportFormat.byId(i.format())
                .map(org.mqcgm.core.imports.ImportFormat::label).orElse(i.format()), i.unit(), i.zone(),
                i.zoneAssumed(), zoneLess, minutes.format(first.atZone(zone)), minutes.format(last.atZone(zone)),
                last.atZone(zone).toLocalDate().toString(), i.count(), i.duplicates(), i.dstGaps(), i.dstRepeats(),
                i.skippedTotal(), i.skipped().stream().map(s -> new Row(s.row(), s.reason())).toList(), i.note(),
                i.stored() == null ? 0 : i.stored(), i.checkins(), i.checkinKinds(), i.checkinDuplicates(),
                i.checkinsStored() == null ? 0 : i.checkinsStored());
    }

    public boolean importing() {
        return status.equals("importing");
    }

    /** Readings that the commit will newly store. */
    public int fresh() {
        return count - duplicates;
    }

    /** Logbook check-ins that the commit will newly store. */
    public int freshCheckins() {
        return checkins - checkinDuplicates;
    }
}
