package org.mqcgm.server.logbook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mqcgm.server.platform.search.PersonalSearch;

/**
 * Search in a person's own logbook. Entries are encrypted with the person's key, so there is no index: the entries of
 * a bounded window (by default the last year, at most {@link #SCANNED} entries) are decrypted and matched in memory.
 * A query's terms (split at white space) must all occur, case-insensitively, in the entry's note, its medication's
 * name or its kind (in English or Chinese); Chinese text matches by substring, which needs no segmenter. Queries are
 * neither stored nor logged.
 */
final class LogbookSearch implements PersonalSearch {

    /** The most entries one search decrypts. */
    static final int SCANNED = 5000;
    static final Duration DEFAULT_WINDOW = Duration.ofDays(366);
    static final int SNIPPET = 200;

    /** The words a kind is also found by. */
    static final Map<Checkin.Kind, String> KIND_WORDS = Map.of(
            Checkin.Kind.MEAL, "meal 餐 饮食 用餐",
            Checkin.Kind.INSULIN, "insulin 胰岛素",
            Checkin.Kind.EXERCISE, "exercise 运动 锻炼",
            Checkin.Kind.MEDICATION, "medication 药物 用药",
            Checkin.Kind.FINGERSTICK, "fingerstick 指血 血糖",
            Checkin.Kind.NOTE, "note 备注 笔记");

    private final Checkins checkins;
    private final Clock dataClock;

    LogbookSearch(Checkins checkins, Clock dataClock) {
        this.checkins = checkins;
        this.dataClock = dataClock;
    }

    @Override
    public List<Hit> search(UUID owner, String query, Instant from, Instant to, int limit) {
        List<Pattern> terms = terms(query);
        if (terms.isEmpty() || limit <= 0) {
            return List.of();
        }
        Instant end = to != null ? to : dataClock.instant().plus(Duration.ofDays(1));
        Instant start = from != null ? from : end.minus(DEFAULT_WINDOW);
        if (!start.isBefore(end)) {
            return List.of();
        }
        List<Hit> hits = new ArrayList<>();
        for (Checkin c : checkins.list(owner, start, end, null, SCANNED)) {
            String text = c.searchableText();
            String kindWords = KIND_WORDS.get(c.kind());
            int inText = 0;
            boolean all = true;
            for (Pattern t : terms) {
                boolean text1 = t.matcher(text).find();
                if (text1) {
                    inText++;
                } else if (!t.matcher(kindWords).find()) {
                    all = false;
                    break;
                }
            }
            if (all) {
                double rank = 0.4 + 0.6 * inText / terms.size();
                hits.add(new Hit("checkin", c.id(), c.time().toInstant(),
                        inText > 0 ? snippet(text, terms) : "[[" + c.kind().id() + "]]"
                                + (text.isEmpty() ? "" : " " + snippet(text, terms)), rank));
            }
        }
        return hits.stream().sorted(Comparator.comparingDouble(Hit::rank).reversed()
                .thenComparing(Hit::time, Comparator.reverseOrder())).limit(limit).toList();
    }

    /** The query's terms as case-insensitive literal patterns (at most 10, each at most 100 characters). */
    static List<Pattern> terms(String query) {
        if (query == null) {
            return List.of();
        }
        return java.util.Arrays.stream(query.strip().split("\\s+")).filter(t -> !t.isEmpty()).distinct().limit(10)
                .map(t -> t.length() > 100 ? t.substring(0, 100) : t)
                .map(t -> Pattern.compile(Pattern.quote(t), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE))
                .toList();
    }

    /**
     * The text around the first match, at most about {@link #SNIPPET} characters, with every match of a term between
     * {@code [[} and {@code ]]}.
     */
    static String snippet(String text, List<Pattern> terms) {
        int first = text.length();
        for (Pattern t : terms) {
            Matcher m = t.matcher(text);
            if (m.find()) {
                first = Math.min(first, m.start());
            }
        }
        if (first == text.length()) {
            first = 0;
        }
        int begin = Math.max(0, Math.min(first - 40, text.length() - SNIPPET));
        int end = Math.min(text.length(), begin + SNIPPET);
        String window = text.substring(begin, end);
        // Mark matches: find every match of any term, longest first at a position, without overlaps.
        boolean[] marked = new boolean[window.length()];
        for (Pattern t : terms.stream().sorted(Comparator.comparingInt((Pattern p) -> p.pattern().length())
                .reversed()).toList()) {
            Matcher m = t.matcher(window);
            while (m.find()) {
                boolean free = true;
                for (int i = m.start(); i < m.end(); i++) {
                    free &= !marked[i];
                }
                if (free && m.end() > m.start()) {
                    for (int i = m.start(); i < m.end(); i++) {
                        marked[i] = true;
                    }
                }
            }
        }
        StringBuilder b = new StringBuilder();
        if (begin > 0) {
            b.append('…');
        }
        for (int i = 0; i < window.length(); i++) {
            boolean open = marked[i] && (i == 0 || !marked[i - 1]);
            if (open) {
                b.append("[[");
            }
            b.append(window.charAt(i));
            if (marked[i] && (i + 1 == window.length() || !marked[i + 1])) {
                b.append("]]");
            }
        }
        if (end < text.length()) {
            b.append('…');
        }
        return b.toString();
    }

}
