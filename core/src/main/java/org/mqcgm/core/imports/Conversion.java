package org.mqcgm.core.imports;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.time.TimeBounds;

/**
 * Places a parsed file's readings in time: local wall-clock times (Clarity, LibreView) in the zone the user
 * confirmed, instants (Nightscout, Tidepool) with the file's offset or else the zone's.
 *
 * <ul>
 *   <li><b>DST gap</b> (a local time that does not exist, e.g. 02:30 on the spring-forward night): the device clock
 *       had not moved yet, so the time is read with the offset before the change (02:30 +01:00 = 03:30 +02:00).
 *       Kept, and reported by row.</li>
 *   <li><b>Repeated hour</b> (fall-back, e.g. 02:30 happens twice): per device, the first pass through the hour
 *       gets the earlier (summer) offset and a row whose local time is not later than the previous one of that
 *       device inside the repeated hour — or that repeats a local time already seen — gets the later offset. Kept,
 *       and reported by row.</li>
 *   <li>Readings at the same second (within the file): the first row is kept, the others skipped with its row.</li>
 *   <li>Times before 1900 or more than 5 minutes after {@code now} are skipped ({@link TimeBounds}).</li>
 * </ul>
 */
public final class Conversion {

    /**
     * The readings of a file in one zone.
     *
     * @param readings   the readings to store, oldest first, one per second
     * @param skipped    every row left out (parser and conversion), ordered by row
     * @param gapRows    rows whose local time fell into a DST gap (kept, shifted as described)
     * @param repeatRows rows whose local time fell into a repeated hour (kept, offset chosen as described)
     */
    public record Converted(List<Reading> readings, List<Skipped> skipped, List<Integer> gapRows,
                            List<Integer> repeatRows) {
        public Optional<Instant> first() {
            return readings.isEmpty() ? Optional.empty() : Optional.of(readings.get(0).time());
        }

        public Optional<Instant> last() {
            return readings.isEmpty() ? Optional.empty() : Optional.of(readings.get(readings.size() - 1).time());
        }
    }

    private Conversion() {
    }

    public static Converted convert(ParsedFile file, ZoneId zone, Instant now) {
        ZoneRules rules = zone.getRules();
        List<Skipped> skipped = new ArrayList<>(file.skipped());
        List<Integer> gaps = new ArrayList<>();
        List<Integer> repeats = new ArrayList<>();
        // per device stream: the last local time seen inside a repeated hour, the local times seen there
        Map<String, LocalDateTime> lastInOverlap = new HashMap<>();
        Map<String, Set<LocalDateTime>> seenInOverlap = new HashMap<>();
        Map<String, Boolean> passedBack = new HashMap<>();
        record Placed(Reading reading, int row) {
        }
        List<Placed> placed = new ArrayList<>(file.candidates().size());
        for (Candidate c : file.candidates()) {
            Instant instant;
            ZoneOffset offset;
            if (c.local() != null) {
                LocalDateTime local = c.local();
                List<ZoneOffset> valid = rules.getValidOffsets(local);
                if (valid.size() == 1) {
                    offset = valid.get(0);
                    instant = local.toInstant(offset);
                } else if (valid.isEmpty()) {
                    ZoneOffsetTransition t = rules.getTransition(local);
                    instant = local.toInstant(t.getOffsetBefore());
                    offset = t.getOffsetAfter();
                    gaps.add(c.row());
                } else {
                    ZoneOffsetTransition t = rules.getTransition(local);
                    String key = c.stream() + "|" + t.getInstant();
                    LocalDateTime last = lastInOverlap.get(key);
                    Set<LocalDateTime> seen = seenInOverlap.computeIfAbsent(key, k -> new HashSet<>());
                    boolean second = Boolean.TRUE.equals(passedBack.get(key)) || seen.contains(local)
                            || (last != null && !local.isAfter(last));
                    if (second) {
                        passedBack.put(key, true);
                    }
                    seen.add(local);
                    lastInOverlap.put(key, local);
                    offset = second ? t.getOffsetAfter() : t.getOffsetBefore();
                    instant = local.toInstant(offset);
                    repeats.add(c.row());
                }
            } else {
                instant = c.instant();
                offset = c.offset() != null ? c.offset() : rules.getOffset(instant);
            }
            Optional<TimeBounds.Violation> bad = TimeBounds.dataTime(instant, now);
            if (bad.isPresent()) {
                skipped.add(new Skipped(c.row(), "time " + bad.get().message()));
                continue;
            }
            try {
                placed.add(new Placed(new Reading(instant, offset, c.mgdl(), c.marker(), c.trend(), -1, 0,
                        c.source()), c.row()));
            } catch (IllegalArgumentException e) {
                skipped.add(new Skipped(c.row(), "not a valid reading"));
            }
        }
        placed.sort(Comparator.comparing((Placed p) -> p.reading().time()).thenComparingInt(Placed::row));
        List<Reading> readings = new ArrayList<>(placed.size());
        long previous = Long.MIN_VALUE;
        int previousRow = 0;
        for (Placed p : placed) {
            long second = p.reading().time().getEpochSecond();
            if (second == previous) {
                skipped.add(new Skipped(p.row(), "same time as row " + previousRow));
                continue;
            }
            readings.add(p.reading());
            previous = second;
            previousRow = p.row();
        }
        skipped.sort(Comparator.comparingInt(Skipped::row));
        gaps.sort(null);
        repeats.sort(null);
        return new Converted(List.copyOf(readings), List.copyOf(skipped), List.copyOf(gaps), List.copyOf(repeats));
    }
}
