package org.mqcgm.core.imports;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mqcgm.core.glucose.GlucoseUnit;

/**
 * What a Nightscout treatment means in the logbook, the one mapping of the code base (the Nightscout API's
 * treatments and the import of a Nightscout treatments file both use it): carbs become a meal, insulin an insulin
 * entry (rapid, long for {@code isBasalInsulin}; below the logbook's 0.05 U step nothing), a {@code BG Check} a
 * fingerstick (in the treatment's {@code units}, mg/dL without them unless below 20; only from 20 to 600 mg/dL), an {@code Exercise} an exercise of its {@code duration}, a {@code Note} (Announcement, Question)
 * a note; the treatment's {@code notes} go on the first of them. Treatments of kinds the logbook has not (temp
 * basals, site changes, profile switches, temporary targets…) mean nothing here.
 */
public final class Treatments {

    /** The event types that are a note when they carry {@code notes} and nothing else. */
    private static final Set<String> NOTE_TYPES = Set.of("Note", "Announcement", "Question", "<none>", "");

    private Treatments() {
    }

    /**
     * The check-ins a treatment means (empty for kinds the logbook has not), given as parsed JSON: numbers as
     * {@link Number}, texts as {@link String}; strings that look like numbers are not numbers.
     */
    public static List<LogEntry> logEntries(Map<String, ?> t) {
        List<LogEntry> out = new ArrayList<>();
        String eventType = t.get("eventType") instanceof String s ? s : "";
        BigDecimal carbs = LogEntry.positive(t.get("carbs"));
        if (carbs != null) {
            out.add(LogEntry.meal(carbs));
        }
        BigDecimal insulin = LogEntry.positive(t.get("insulin"));
        if (insulin != null) {
            LogEntry dose = LogEntry.insulin(insulin, Boolean.TRUE.equals(t.get("isBasalInsulin")) ? "long" : "rapid");
            if (dose != null) {
                out.add(dose);
            }
        }
        BigDecimal glucose = LogEntry.positive(t.get("glucose"));
        if (eventType.equals("BG Check") && glucose != null) {
            // in the treatment's units; without them mg/dL (Nightscout's own), unless the value is below any mg/dL
            // meter reading (5.6 is mmol/L); kept only from 20 to 600 mg/dL, the logbook's range
            boolean mmol = t.get("units") instanceof String u ? u.toLowerCase(Locale.ROOT).startsWith("mmol")
                    : glucose.compareTo(BigDecimal.valueOf(20)) < 0;
            GlucoseUnit unit = mmol ? GlucoseUnit.MMOL_L : GlucoseUnit.MG_DL;
            int mgdl = unit.toStoredMgdl(glucose.doubleValue());
            if (mgdl >= 20 && mgdl <= 600) {
                out.add(LogEntry.fingerstick(glucose, unit.symbol()));
            }
        }
        BigDecimal duration = LogEntry.positive(t.get("duration"));
        if (eventType.equals("Exercise") && duration != null) {
            out.add(LogEntry.exercise(duration.min(BigDecimal.valueOf(1440)).intValue(), null));
        }
        String notes = t.get("notes") instanceof String s ? LogEntry.noteText(s) : "";
        if (out.isEmpty() && !notes.isEmpty() && NOTE_TYPES.contains(eventType)) {
            out.add(LogEntry.note(notes));
        } else if (!out.isEmpty() && !notes.isEmpty()) {
            out.set(0, out.get(0).withNote(notes));
        }
        return out;
    }
}
