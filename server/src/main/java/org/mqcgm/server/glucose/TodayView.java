package org.mqcgm.server.glucose;

/**
 * What the Today page shows.
 *
 * @param hasCurrent  true when there is a reading in the last 24 hours
 * @param value       the newest glucose, formatted in the display unit
 * @param unit        the display unit's symbol
 * @param arrow       trend arrow character (empty when not computable)
 * @param trendKey    message key describing the trend
 * @param minutesAgo  whole minutes since the newest reading
 * @param stale       true when the newest reading is older than 15 minutes
 * @param rangeClass  consensus band of the newest reading (CSS class)
 * @param chartSvg    the 24-hour chart
 * @param count       readings in the last 24 hours
 * @param belowPct    percent of readings below 70 mg/dL
 * @param inRangePct  percent of readings in 70–180 mg/dL
 * @param abovePct    percent of readings above 180 mg/dL
 * @param latest      epoch second of the newest reading shown, empty when none (the live stream's event id, so
 *                    the page knows whether an event brings something new)
 */
public record TodayView(boolean hasCurrent, String value, String unit, String arrow, String trendKey,
                        long minutesAgo, boolean stale, String rangeClass, String chartSvg,
                        int count, int belowPct, int inRangePct, int abovePct, String latest) {
}
