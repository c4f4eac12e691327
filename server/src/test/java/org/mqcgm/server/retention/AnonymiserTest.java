package org.mqcgm.server.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.platform.retention.ResearchSubjects.Point;

/** The de-identification of research data (PR-27) on a fixture of 1,000 people. */
class AnonymiserTest {

    @Test
    @Tag("PR-27")
    void aThousandPeopleComeOutWithoutSourceIdsShiftedAndKAnonymousOrSuppressed() {
        Random fixture = new Random(27);
        String[] regions = {"Asia", "Europe", "America", "Africa", "Australia"};
        String[] models = {"Pixel 8", "iPhone 15", "Galaxy S24", "Mi 14", "Rare Phone X"};
        List<Anonymiser.Subject> people = new ArrayList<>();
        Map<String, Integer> sizes = new HashMap<>();
        Set<Instant> sourceTimes = new HashSet<>();
        Instant start = Instant.parse("2026-03-01T08:00:00Z");
        for (int i = 0; i < 1000; i++) {
            // Rare phones are rare: their groups fall below k and must be suppressed.
            String model = fixture.nextInt(100) < 2 ? models[4] : models[fixture.nextInt(4)];
            String region = regions[fixture.nextInt(regions.length)];
            List<Point> readings = new ArrayList<>();
            for (int r = 0; r < 5; r++) {
                Instant t = start.plus(Duration.ofMinutes(5L * r + i));
                readings.add(new Point(t, 80 + fixture.nextInt(100)));
                sourceTimes.add(t);
            }
            people.add(new Anonymiser.Subject(UUID.randomUUID(), "unknown", region, model, readings));
            sizes.merge("unknown|" + region + "|" + model, 1, Integer::sum);
        }
        int expectedSuppressed = people.stream().mapToInt(p -> sizes.get("unknown|" + p.region() + "|"
                + p.deviceModel()) < 10 ? 1 : 0).sum();
        assertThat(expectedSuppressed).as("the fixture has small groups").isPositive();

        Anonymiser.DataSet set = new Anonymiser(Anonymiser.DEFAULT_K, new SecureRandom()).run(people);

        assertThat(set.suppressed()).isEqualTo(expectedSuppressed);
        assertThat(set.subjects()).hasSize(1000 - expectedSuppressed);
        assertThat(set.kAnonymous()).isTrue();
        assertThat(set.classification()).isEqualTo("anonymised");
        Map<String, Integer> out = new HashMap<>();
        set.subjects().forEach(s -> out.merge(s.quasiIdentifiers(), 1, Integer::sum));
        assertThat(out.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(10));
        // No source id goes out; the random ids are all different.
        Set<String> sourceIds = new HashSet<>();
        people.forEach(p -> sourceIds.add(p.account().toString()));
        assertThat(set.subjects()).noneMatch(s -> sourceIds.contains(s.subject()));
        assertThat(set.subjects().stream().map(Anonymiser.OutSubject::subject).distinct()).hasSize(set.subjects().size());
        // Every time is shifted by whole days (times of day kept), so a join on timestamps finds nothing.
        assertThat(set.subjects()).allSatisfy(s -> s.readings().forEach(p -> {
            assertThat(sourceTimes).doesNotContain(p.time());
            assertThat((int) Math.floorMod(Duration.between(start, p.time()).toMinutes(), 24 * 60L))
                    .as("the time of day is kept").isBetween(0, 1019);
        }));
        // A k below 5 is never accepted.
        assertThatThrownBy(() -> new Anonymiser(4, new SecureRandom())).hasMessageContaining("at least 5");
        // A data set whose output would hold a small group is classified not anonymised by the separate check.
        assertThat(Anonymiser.kAnonymous(List.of(new Anonymiser.OutSubject("a", "u", "Asia", "m", List.of())), 5))
                .isFalse();
    }
}
