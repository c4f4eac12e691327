package org.mqcgm.server.imports;

import java.util.List;
import java.util.Map;

/**
 * The JSON answers and request of the imports API, one record per component schema of {@code openapi.json}.
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.of(
            "Import", Import.class,
            "ImportSkippedRow", ImportSkippedRow.class,
            "ImportCommit", ImportCommit.class);

    private ApiSchemas() {
    }

    /**
     * An import: its preview, then its progress and result.
     *
     * @param id            the import's id
     * @param status        preview, importing, done or failed
     * @param progress      0–100
     * @param format        clarity, libreview, nightscout or tidepool
     * @param unit          the unit the file gives glucose in (mg/dL or mmol/L); readings are stored in mg/dL
     * @param zone          the IANA time zone used for times without an offset
     * @param zoneAssumed   true when the zone is the account's home zone, assumed for a file of local times: the user
     *                      confirms it (or another) with the commit
     * @param first         the first reading's instant (null when none)
     * @param last          the last reading's instant
     * @param count         readings the file yields
     * @param duplicates    of these, readings already stored (they are not stored twice)
     * @param dstGaps       readings whose local time does not exist in the zone (spring-forward), kept
     * @param dstGapRows    their rows (at most 50)
     * @param dstRepeats    readings whose local time happens twice (fall-back hour), kept
     * @param dstRepeatRows their rows (at most 50)
     * @param skippedTotal  rows left out
     * @param skipped       the first of them (at most 100) with their reasons
     * @param note          what the reader had to assume (e.g. a date order), or null
     * @param stored        after the commit: readings newly stored (null before)
     * @param expires       when this import and its file are deleted
     * @param checkins      logbook check-ins the file yields (meals, insulin, meter readings, exercise, notes)
     * @param checkinKinds  of these, how many of each kind (meal, insulin, fingerstick, exercise, note)
     * @param checkinDuplicates of these, check-ins already in the logbook (same kind at the same second): not stored
     *                      twice
     * @param checkinsStored after the commit: check-ins newly stored (null before)
     * @param logbook       whether the file's check-ins go to the logbook: false when the API token lacks the scope
     *                      {@code logbook} (they are skipped rows then)
     */
    record Import(String id, String status, int progress, String format, String unit, String zone,
                  boolean zoneAssumed, String first, String last, int count, int duplicates, int dstGaps,
                  List<Integer> dstGapRows, int dstRepeats, List<Integer> dstRepeatRows, int skippedTotal,
                  List<ImportSkippedRow> skipped, String note, Integer stored, String expires, int checkins,
                  Map<String, Integer> checkinKinds, int checkinDuplicates, Integer checkinsStored, boolean logbook) {

        Import withState(String newStatus, int newProgress) {
            return new Import(id, newStatus, newProgress, format, unit, zone, zoneAssumed, first, last, count,
                    duplicates, dstGaps, dstGapRows, dstRepeats, dstRepeatRows, skippedTotal, skipped, note, stored,
                    expires, checkins, checkinKinds, checkinDuplicates, checkinsStored, logbook);
        }

        /** With check-ins the logbook refused at the commit added to the skipped rows. */
        Import withRefused(List<ImportSkippedRow> refused) {
            if (refused.isEmpty()) {
                return this;
            }
            List<ImportSkippedRow> all = new java.util.ArrayList<>(skipped);
            all.addAll(refused);
            all.sort(java.util.Comparator.comparingInt(ImportSkippedRow::row));
            return new Import(id, status, progress, format, unit, zone, zoneAssumed, first, last, count, duplicates,
                    dstGaps, dstGapRows, dstRepeats, dstRepeatRows, skippedTotal + refused.size(),
                    List.copyOf(all.subList(0, Math.min(all.size(), Imports.SKIPPED_SHOWN))), note, stored, expires,
                    checkins, checkinKinds, checkinDuplicates, checkinsStored, logbook);
        }

        Import withStored(int newStored, int newDuplicates, int newCheckinsStored, int newCheckinDuplicates) {
            return new Import(id, "done", 100, format, unit, zone, zoneAssumed, first, last, count, newDuplicates,
                    dstGaps, dstGapRows, dstRepeats, dstRepeatRows, skippedTotal, skipped, note, newStored,
                    expires, checkins, checkinKinds, newCheckinDuplicates, newCheckinsStored, logbook);
        }
    }

    /** A row left out of an import: its CSV line or JSON item (1-based) and why. */
    record ImportSkippedRow(int row, String reason) {
    }

    /** The optional body of {@code POST /api/v1/imports/{id}/commit}: the confirmed IANA time zone. */
    record ImportCommit(String zone) {
    }
}
