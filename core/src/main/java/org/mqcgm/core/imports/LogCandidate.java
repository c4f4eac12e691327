package org.mqcgm.core.imports;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * One logbook check-in as read from a file (a meal, an insulin dose, a meter reading…), before its time is placed
 * in a time zone; the times follow {@link Candidate}'s rules.
 *
 * @param row     the row (CSV line or JSON item, 1-based) it came from
 * @param local   the local wall-clock time for zone-less formats, else null
 * @param instant the instant for formats that carry one, else null
 * @param offset  the UTC offset the file gives with the instant, or null (the confirmed zone's offset is used)
 * @param stream  what keeps one device's rows in order in the repeated hour at a DST change
 * @param entry   the check-in
 */
public record LogCandidate(int row, LocalDateTime local, Instant instant, ZoneOffset offset, String stream,
                           LogEntry entry) {
}
