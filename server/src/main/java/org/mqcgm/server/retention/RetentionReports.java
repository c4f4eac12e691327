package org.mqcgm.server.retention;

import java.util.List;

/** The retention run reports as plain text for operators ({@code mqcgm admin retention-report}). */
final class RetentionReports {

    private RetentionReports() {
    }

    static String text(List<RetentionJob.Report> reports) {
        if (reports.isEmpty()) {
            return "no retention run yet (the job runs daily)\n";
        }
        StringBuilder sb = new StringBuilder();
        for (RetentionJob.Report r : reports) {
            sb.append("retention run ").append(r.ranAt()).append('\n');
            sb.append(String.format("  %-22s %8s %8s %12s %s%n", "category", "period", "deleted", "oldest kept",
                    "held"));
            for (RetentionJob.Line l : r.categories()) {
                sb.append(String.format("  %-22s %7dd %8d %12s %s%s%n", l.category(), l.periodDays(), l.deleted(),
                        l.maxAgeDays() == null ? "-" : l.maxAgeDays() + "d" + (l.withinLimit() ? "" : " (!)"),
                        l.wholeCategory() ? "whole category" : l.heldPersons() + " person(s)",
                        l.error() == null ? "" : "  FAILED: " + l.error()));
            }
            InactiveAccounts.Outcome o = r.inactiveAccounts();
            sb.append(String.format("  inactive accounts: %d noticed, %d erased, %d came back, %d held%n",
                    o.noticed(), o.erased(), o.cameBack(), o.held()));
        }
        return sb.toString();
    }
}
