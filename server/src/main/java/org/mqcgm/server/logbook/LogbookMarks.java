package org.mqcgm.server.logbook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
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
        if (!from.isBefore(to)) {
            return List.of();
        }
        return checkins.list(owner, from, to, null, MAX).reversed().stream()
                .map(c -> new Mark(c.time().toInstant(), c.kind().id(), label(c))).toList();
    }

    /** A few characters telling the entry's amount: {@code 45 g}, {@code 4 U}, {@code 30 min}, {@code 6.7 mmol/L}. */
    static String label(Checkin c) {
        Checkin.Values v = c.values();
        return switch (c.kind()) {
            case MEAL -> v.carbs() == null ? "" : v.carbs().toPlainString() + " g";
            case INSULIN -> v.units().toPlainString() + " U";
            case EXERCISE -> v.minutes() + " min";
            case MEDICATION -> v.medication().length() > 24 ? v.medication().substring(0, 23) + "…" : v.medication();
            case FINGERSTICK -> v.value().toPlainString() + " " + v.unit();
            case NOTE -> "";
        };
    }
}
