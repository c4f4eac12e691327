package org.mqcgm.server.retention;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.retention.ResearchSubjects.Point;

/**
 * The de-identification of a research data set (PR-27, A-24): only the readings and three generalised
 * quasi-identifiers go out; every subject gets a random id unrelated to the account; each subject's times are shifted
 * by their own random number of whole days (times of day stay, dates do not); subjects whose combination of
 * quasi-identifiers is shared by fewer than k subjects are suppressed; the result is classified anonymised only when a
 * separate count over the output finds every combination held by at least k subjects.
 */
final class Anonymiser {

    /** The lowest k ever accepted; the default is 10. */
    static final int MIN_K = 5;
    static final int DEFAULT_K = 10;
    /** Shifts are 1 to 365 days, forwards or backwards. */
    static final int MAX_SHIFT_DAYS = 365;

    /** One person's data before de-identification: direct identifiers never enter this record but the id. */
    record Subject(UUID account, String ageBand, String region, String deviceModel, List<Point> readings) {
    }

    /** One subject of the output. */
    record OutSubject(String subject, String ageBand, String region, String deviceModel, List<Point> readings) {

        String quasiIdentifiers() {
            return ageBand + "|" + region + "|" + deviceModel;
        }
    }

    /** The data set: its subjects, how many were suppressed, the k used and whether the output passed the k check. */
    record DataSet(List<OutSubject> subjects, int suppressed, int k, boolean kAnonymous) {

        String classification() {
            return kAnonymous ? "anonymised" : "not-anonymised";
        }
    }

    private final SecureRandom random;
    private final int k;

    Anonymiser(int k, SecureRandom random) {
        if (k < MIN_K) {
            throw new IllegalArgumentException("k must be at least " + MIN_K + " (got " + k + ")");
        }
        this.k = k;
        this.random = random;
    }

    DataSet run(List<Subject> subjects) {
        Map<String, Integer> sizes = new HashMap<>();
        for (Subject s : subjects) {
            sizes.merge(key(s.ageBand(), s.region(), s.deviceModel()), 1, Integer::sum);
        }
        List<OutSubject> out = new ArrayList<>();
        int suppressed = 0;
        for (Subject s : subjects) {
            if (sizes.get(key(s.ageBand(), s.region(), s.deviceModel())) < k) {
                suppressed++;
                continue;
            }
            Duration shift = Duration.ofDays((1 + random.nextInt(MAX_SHIFT_DAYS)) * (random.nextBoolean() ? 1L : -1L));
            List<Point> shifted = s.readings().stream().map(p -> new Point(p.time().plus(shift), p.mgdl())).toList();
            out.add(new OutSubject(UUID.randomUUID().toString(), s.ageBand(),
                    s.region(), s.deviceModel(), shifted));
        }
        // Shuffled, so the order does not follow the accounts'.
        java.util.Collections.shuffle(out, random);
        return new DataSet(List.copyOf(out), suppressed, k, kAnonymous(out, k));
    }

    /** The independent check over the output: every combination of quasi-identifiers is held by at least k subjects. */
    static boolean kAnonymous(List<OutSubject> out, int k) {
        Map<String, Integer> sizes = new HashMap<>();
        out.forEach(s -> sizes.merge(s.quasiIdentifiers(), 1, Integer::sum));
        return sizes.values().stream().allMatch(n -> n >= k);
    }

    private static String key(String ageBand, String region, String deviceModel) {
        return ageBand + "|" + region + "|" + deviceModel;
    }

    /** A home time zone generalised to its area ({@code Asia/Shanghai} → {@code Asia}). */
    static String region(String zone) {
        if (zone == null || zone.isBlank()) {
            return "unknown";
        }
        int slash = zone.indexOf('/');
        return slash < 0 ? "other" : zone.substring(0, slash);
    }
}
