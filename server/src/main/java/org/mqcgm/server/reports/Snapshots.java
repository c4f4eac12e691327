package org.mqcgm.server.reports;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.mqcgm.core.metrics.AmbulatoryGlucoseProfile.Bin;
import org.mqcgm.core.metrics.GlucoseStatistics;
import org.mqcgm.core.metrics.TimeInRanges;
import org.mqcgm.server.platform.snapshot.MetricSnapshots;

/**
 * The anonymised snapshot of a person's last N local days: the report of the same period (so the same values as
 * {@code GET /api/v1/reports} for it), keeping only the metrics, and the AGP curve at whole hours. Logged in the
 * report log like every report (as JSON).
 */
final class Snapshots implements MetricSnapshots {

    private final Reports reports;
    private final Function<UUID, ZoneId> zones;

    Snapshots(Reports reports, Function<UUID, ZoneId> zones) {
        this.reports = reports;
        this.zones = zones;
    }

    @Override
    public Optional<Snapshot> last(UUID owner, int days) {
        if (!DAYS.contains(days)) {
            throw new IllegalArgumentException("days: " + days);
        }
        ZoneId zone = zones.apply(owner);
        LocalDate today = reports.clock().instant().atZone(zone).toLocalDate();
        ReportPeriod period = new ReportPeriod(zone, today.minusDays(days - 1L).atStartOfDay(zone),
                today.plusDays(1).atStartOfDay(zone), true);
        Report r = reports.build(owner, period, Population.T1D_T2D, ReportLog.Format.JSON);
        Report.Sufficiency s = r.sufficiency();
        if (r.result() == null || s.activePercent() < MIN_ACTIVE_PERCENT) {
            return Optional.empty();
        }
        GlucoseStatistics st = r.result().statistics();
        TimeInRanges t = r.result().timeInRanges();
        List<Hour> agp = new ArrayList<>();
        if (s.meetsConsensus()) {
            for (Bin b : r.agpSmoothed()) {
                if (b.startMinuteOfDay() % 60 == 0) {
                    agp.add(new Hour(b.startMinuteOfDay() / 60, num(b.p05()), num(b.p25()), num(b.p50()),
                            num(b.p75()), num(b.p95())));
                }
            }
        }
        return Optional.of(new Snapshot(days, s.readings(), s.daysWithData(), s.activePercent(),
                num(st.meanMgdl()), num(st.sdMgdl()), num(st.cvPercent()), num(st.gmiPercent()),
                new Ranges(num(t.veryLowPercent()), num(t.lowPercent()), num(t.belowRangePercent()),
                        num(t.inRangePercent()), num(t.highPercent()), num(t.veryHighPercent()),
                        num(t.aboveRangePercent())), agp));
    }

    private static Double num(double v) {
        return ReportJson.num(v);
    }
}
