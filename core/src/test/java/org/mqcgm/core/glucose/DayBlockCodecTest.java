package org.mqcgm.core.glucose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mqcgm.core.simulation.GlucoseTrace;

class DayBlockCodecTest {

    private static final Instant DAY = Instant.parse("2026-03-08T05:00:00Z");

    private static List<Reading> simulatedDay(int stepSeconds) {
        GlucoseTrace trace = new GlucoseTrace(3, ZoneId.of("Asia/Shanghai"));
        List<Reading> out = new ArrayList<>();
        for (int s = 0; s < 86_400; s += stepSeconds) {
            Instant t = DAY.plusSeconds(s + 17);
            out.add(new Reading(t, ZoneOffset.ofHours(8), trace.mgdlAt(t)));
        }
        return out;
    }

    @Test
    void aDayOfFiveMinuteReadingsRoundTripsInUnderTwoBytesPerReading() {
        List<Reading> day = simulatedDay(300);
        byte[] block = DayBlockCodec.encode(day);
        assertThat(DayBlockCodec.decode(block)).isEqualTo(day);
        assertThat((double) block.length / day.size()).isLessThan(2.0);
    }

    @Test
    void aDayOfOneMinuteReadingsIsCompactToo() {
        List<Reading> day = simulatedDay(60);
        byte[] block = DayBlockCodec.encode(day);
        assertThat(DayBlockCodec.decode(block)).isEqualTo(day);
        assertThat((double) block.length / day.size()).isLessThan(1.5);
    }

    @Test
    void everyFieldSurvivesIncludingMarkersTrendsAndADstChange() {
        List<Reading> day = List.of(
                new Reading(DAY, ZoneOffset.ofHours(-5), 40, Reading.Marker.LOW, Double.NaN, -1, 0x40, "xDrip-G6"),
                new Reading(DAY.plusSeconds(300), ZoneOffset.ofHours(-5), 95, Reading.Marker.VALUE, -1.25, 95, 0,
                        "xDrip-G6"),
                new Reading(DAY.plusSeconds(7200), ZoneOffset.ofHours(-4), 400, Reading.Marker.HIGH, 3.5, 100,
                        0x800000, "mqcgm-collector"),
                new Reading(DAY.plusSeconds(7260), ZoneOffset.ofHours(-4), 133));
        assertThat(DayBlockCodec.decode(DayBlockCodec.encode(day))).isEqualTo(day);
    }

    @Test
    void orderOfInputDoesNotMatterAndEqualInstantsAreRefused() {
        List<Reading> day = new ArrayList<>(simulatedDay(300));
        List<Reading> shuffled = new ArrayList<>(day);
        Collections.shuffle(shuffled, new Random(1));
        assertThat(DayBlockCodec.decode(DayBlockCodec.encode(shuffled))).isEqualTo(day);
        List<Reading> twice = new ArrayList<>(day);
        twice.add(day.get(10));
        assertThatThrownBy(() -> DayBlockCodec.encode(twice)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DayBlockCodec.decode(DayBlockCodec.encode(List.of()))).isEmpty();
    }

    @Test
    void randomReadingsRoundTrip() {
        Random rnd = new Random(42);
        for (int round = 0; round < 200; round++) {
            List<Reading> day = new ArrayList<>();
            long t = 1_700_000_000L + rnd.nextInt(1_000_000);
            int n = rnd.nextInt(300);
            for (int i = 0; i < n; i++) {
                t += 1 + rnd.nextInt(900);
                Reading.Marker m = Reading.Marker.values()[rnd.nextInt(3)];
                day.add(new Reading(Instant.ofEpochSecond(t), ZoneOffset.ofTotalSeconds(60 * (rnd.nextInt(29) - 14) * 60 / 60),
                        20 + rnd.nextInt(581), m, rnd.nextBoolean() ? Double.NaN : (rnd.nextInt(2001) - 1000) / 100.0,
                        rnd.nextInt(102) - 1, rnd.nextBoolean() ? 0 : rnd.nextInt(1 << 24),
                        rnd.nextInt(3) == 0 ? null : "src" + rnd.nextInt(3)));
            }
            assertThat(DayBlockCodec.decode(DayBlockCodec.encode(day))).isEqualTo(day);
        }
    }

    @Test
    void aSingleReadingIsStoredAsIsAndStillRoundTrips() {
        List<Reading> one = List.of(new Reading(java.time.Instant.parse("2026-11-26T08:05:00Z"),
                java.time.ZoneOffset.ofHours(8), 123));
        byte[] block = DayBlockCodec.encode(one);
        // Stored, not deflated: one format byte and a few bytes of reading, no DEFLATE set-up per upload.
        assertThat(block[0]).isZero();
        assertThat(block.length).isLessThan(16);
        assertThat(DayBlockCodec.decode(block)).isEqualTo(one);
        // A whole day is deflated.
        assertThat(DayBlockCodec.encode(simulatedDay(300))[0]).isEqualTo((byte) 1);
        byte[] truncated = java.util.Arrays.copyOf(block, block.length - 2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DayBlockCodec.decode(truncated))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void corruptBlocksFailCleanlyNeverWithAWrongReading() {
        byte[] block = DayBlockCodec.encode(simulatedDay(300));
        Random rnd = new Random(7);
        int rejected = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] bad = block.clone();
            int flips = 1 + rnd.nextInt(3);
            for (int f = 0; f < flips; f++) {
                bad[rnd.nextInt(bad.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            try {
                List<Reading> decoded = DayBlockCodec.decode(bad);
                // DEFLATE has no checksum; a flip that still decodes must at least decode to valid readings.
                assertThat(decoded).allSatisfy(r -> assertThat(r.mgdl()).isBetween(20, 600));
            } catch (IllegalArgumentException expected) {
                rejected++;
            }
        }
        assertThat(rejected).isPositive();
        for (int len = 0; len < 64; len++) {
            byte[] junk = new byte[len];
            rnd.nextBytes(junk);
            try {
                DayBlockCodec.decode(junk);
            } catch (IllegalArgumentException expected) {
                // fine
            }
        }
    }
}
