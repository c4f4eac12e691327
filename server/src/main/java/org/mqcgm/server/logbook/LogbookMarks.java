package org.mqcgm.server.logbook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.server.platform.marks.CheckinMarks;

/** The logbook's entries as marks on the owner's glucose curve, with a short label of their amount. */
final class LogbookMarks implements CheckinMarks {

    /** The most marks one chart gets. */
    static final int MAX = 500;

    private final Checkins checkins;

    LogbookMarks(Checkins checkins) {
        this.checkins = checkins;
    }

    @Override
    public List<Mark> marks(UUID owner, Instant from, Instant to) {
        return marks(owner, from, to, null);
    }

    @Override
    public List<Mark> marks(UUID owner, Instant from, Instant to, GlucoseUnit unit) {
        if (!from.isBefore(to)) {
            return List.of();
        }
        return checkins.list(owner, from, to, null, MAX).reversed().stream()
                .map(c -> new Mark(c.time().toInstant(), c.kind().id(), label(c, unit))).toList();
    }

    /** The label with a finger-stick as it was entered. */
    static String label(Checkin c) {
        return label(c, null);
    }

    /**
     * A few characters telling the entry's amount: {@code 45 g}, {@code 4 U}, {@code 30 min}, {@code 6.7 mmol/L};
     * a finger-stick in {@code unit} (the viewer's; the stored mg/dL value converted), or as entered when null.
     */
    static String label(Checkin c, GlucoseUnit unit) {
        Checkin.Values v = c.values();
        return switch (c.kind()) {
            case MEAL -> v.carbs() == null ? "" : v.carbs().toPlainString() + " g";
            case INSULIN -> v.units().toPlainString() + " U";
            case EXERCISE -> v.minutes() + " min";
            case MEDICATION -> v.medication().length() > 24 ? v.medication().substring(0, 23) + "…" : v.medication();
            case FINGERSTICK -> unit == null || v.mgdl() == null ? v.value().toPlainString() + " " + v.unit()
                    : unit.format(v.mgdl()) + " " + unit.symbol();
            case NOTE -> "";
        };
    }
}
