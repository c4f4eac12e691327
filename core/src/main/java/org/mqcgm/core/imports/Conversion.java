package org.mqcgm.core.imports;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
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
import java.util.TreeSet;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.time.TimeBounds;

/**
 * Places a parsed file's readings and check-ins in time: local wall-clock times (Clarity, LibreView) in the zone the user
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
 *   <li>Readings at the same second (within the file): the first row is kept, the others skipped with its row;
 *       likewise check-ins of one kind at the same second.</li>
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
     * @param checkins   the logbook check-ins to store, oldest first, one per kind and second
     */
    public record Converted(List<Reading> readings, List<Skipped> skipped, List<Integer> gapRows,
                            List<Integer> repeatRows, List<Checkin> checkins) {
        public Optional<Instant> first() {
            return readings.isEmpty() ? Optional.empty() : Optional.of(readings.get(0).time());
        }

        public Optional<Instant> last() {
            return readings.isEmpty() ? Optional.empty() : Optional.of(readings.get(readings.size() - 1).time());
        }
    }

    /**
     * A logbook check-in placed in time (to the second, with the wearer's offset).
     *
     * @param row   the row it came from
     * @param time  when, with the offset of the file or the zone
     * @param entry what
     */
    public record Checkin(int row, OffsetDateTime time, LogEntry entry) {
        /** What makes two check-ins the same: kind (insulin: and its type) and second. */
        public String key() {
            return key(entry.kind(), entry.fields().get("insulinType"), time.toEpochSecond());
        }

        /** The key of a check-in of {@code kind} (with {@code insulinType} or null) at {@code epochSecond}. */
        public static String key(String kind, Object insulinType, long epochSecond) {
            return kind + (insulinType == null ? "" : "/" + insulinType) + "@" + epochSecond;
        }
    }

    private Conversion() {
    }

    public static Converted convert(ParsedFile file, ZoneId zone, Instant now) {
        List<Skipped> skipped = new ArrayList<>(file.skipped());
        Placer placer = new Placer(zone.getRules());
        record Placed(Reading reading, int row) {
        }
        List<Placed> placed = new ArrayList<>(file.candidates().size());
        for (Candidate c : file.candidates()) {
            OffsetDateTime at = placer.place(c.row(), c.local(), c.instant(), c.offset(), c.stream(), now, skipped);
            if (at == null) {
                continue;
            }
            try {
                placed.add(new Placed(new Reading(at.toInstant(), at.getOffset(), c.mgdl(), c.marker(), c.trend(), -1,
                        0, c.source()), c.row()));
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
        List<Checkin> checkins = checkins(file, placer, now, skipped);
        skipped.sort(Comparator.comparingInt(Skipped::row));
        List<Integer> gaps = new ArrayList<>(new TreeSet<>(placer.gaps));
        List<Integer> repeats = new ArrayList<>(new TreeSet<>(placer.repeats));
        return new Converted(List.copyOf(readings), List.copyOf(skipped), List.copyOf(gaps), List.copyOf(repeats),
                List.copyOf(checkins));
    }

    /** The file's check-ins placed in time, oldest first; one per {@link Checkin#key} (the first row wins). */
    private static List<Checkin> checkins(ParsedFile file, Placer placer, Instant now, List<Skipped> skipped) {
        List<Checkin> placed = new ArrayList<>(file.checkins().size());
        for (LogCandidate c : file.checkins()) {
            OffsetDateTime at = placer.place(c.row(), c.local(), c.instant(), c.offset(), c.stream(), now, skipped);
            if (at == null) {
                continue;
            }
            placed.add(new Checkin(c.row(), at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), c.entry()));
        }
        placed.sort(Comparator.comparing((Checkin c) -> c.time().toInstant()).thenComparingInt(Checkin::row));
        List<Checkin> out = new ArrayList<>(placed.size());
        Map<String, Integer> firstRow = new HashMap<>();
        for (Checkin c : placed) {
            Integer earlier = firstRow.putIfAbsent(c.key(), c.row());
            if (earlier != null) {
                skipped.add(new Skipped(c.row(), c.entry().kind() + " at the same time as row " + earlier));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    /** Places local wall-clock times (DST gaps and repeats as described above) and instants; records the rows. */
    private static final class Placer {
        private final ZoneRules rules;
        private final Set<Integer> gaps = new HashSet<>();
        private final Set<Integer> repeats = new HashSet<>();
        // per device stream: the last local time seen inside a repeated hour, the local times seen there
        private final Map<String, LocalDateTime> lastInOverlap = new HashMap<>();
        private final Map<String, Set<LocalDateTime>> seenInOverlap = new HashMap<>();
        private final Map<String, Boolean> passedBack = new HashMap<>();

        Placer(ZoneRules rules) {
            this.rules = rules;
        }

        /** The row's time, or null (and the row skipped with why) when it lies outside {@link TimeBounds}. */
        OffsetDateTime place(int row, LocalDateTime local, Instant instant, ZoneOffset given, String stream,
                             Instant now, List<Skipped> skipped) {
            OffsetDateTime at = place(row, local, instant, given, stream);
            Optional<TimeBounds.Violation> bad = TimeBounds.dataTime(at.toInstant(), now);
            if (bad.isPresent()) {
                skipped.add(new Skipped(row, "time " + bad.get().message()));
                return null;
            }
            return at;
        }

        private OffsetDateTime place(int row, LocalDateTime local, Instant instant, ZoneOffset given, String stream) {
            if (local == null) {
                return instant.atOffset(given != null ? given : rules.getOffset(instant));
            }
            List<ZoneOffset> valid = rules.getValidOffsets(local);
            if (valid.size() == 1) {
                return local.atOffset(valid.get(0));
            }
            ZoneOffsetTransition t = rules.getTransition(local);
            if (valid.isEmpty()) {
                gaps.add(row);
                return local.toInstant(t.getOffsetBefore()).atOffset(t.getOffsetAfter());
            }
            String key = stream + "|" + t.getInstant();
            LocalDateTime last = lastInOverlap.get(key);
            Set<LocalDateTime> seen = seenInOverlap.computeIfAbsent(key, k -> new HashSet<>());
            boolean second = Boolean.TRUE.equals(passedBack.get(key)) || seen.contains(local)
                    || (last != null && !local.isAfter(last));
            if (second) {
                passedBack.put(key, true);
            }
            seen.add(local);
            lastInOverlap.put(key, local);
            repeats.add(row);
            return local.atOffset(second ? t.getOffsetAfter() : t.getOffsetBefore());
        }
    }
}
