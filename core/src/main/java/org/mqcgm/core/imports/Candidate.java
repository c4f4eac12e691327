package org.mqcgm.core.imports;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.mqcgm.core.glucose.Reading;

/**
 * One reading as read from a file, before its time is placed in a time zone.
 *
 * @param row    the row (CSV line or JSON item, 1-based) it came from
 * @param local  the local wall-clock time for zone-less formats, else null
 * @param instant the instant for formats that carry one, else null
 * @param offset the UTC offset the file gives with the instant, or null (the confirmed zone's offset is used)
 * @param mgdl   glucose in mg/dL (the limit for a LOW/HIGH marker)
 * @param marker value, or below/above the sensor's range
 * @param trend  rate of change in mg/dL per minute, or NaN
 * @param source the device or app named by the file (sanitised), never null
 * @param stream what keeps one device's rows in order (serial, transmitter) for the repeated hour at a DST change
 */
public record Candidate(int row, LocalDateTime local, Instant instant, ZoneOffset offset, int mgdl,
                        Reading.Marker marker, double trend, String source, String stream) {
}
