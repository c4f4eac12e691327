package org.mqcgm.server.community;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The community search's tokenizer, used the same way at index time and at query time. PostgreSQL has no Chinese
 * segmenter (its parser would take a whole run of Han characters for one "word"), so texts are tokenized here, as
 * Lucene's {@code CJKBigramFilter} does: a run of Han (and kana, hangul) characters becomes its overlapping
 * 2-grams ("米饭血糖" → 米饭, 饭血, 血糖), a lone Han character stays a unigram; other letters and digits form
 * lower-cased words, like PostgreSQL's {@code simple} configuration. The index is a {@code tsvector} literal built
 * from these tokens with their positions (so ranking and phrases work); a query is a {@code tsquery} literal built
 * from its tokens only — every lexeme quoted, the operators ours — so that nothing a user types ({@code & | ! : *
 * ( ) '}, SQL, Lucene syntax) is ever read as syntax: it is a literal search or no match.
 */
final class SearchText {

    /** Longest word kept (PostgreSQL's limit is 2047 bytes; long "words" are noise). */
    static final int MAX_WORD = 60;
    /** Highest position a tsvector keeps. */
    static final int MAX_POSITION = 16_383;
    static final int MAX_QUERY_GROUPS = 16;

    /** A token at its position, with where it is in the text (for highlighting). */
    record Token(String lexeme, int position, int start, int end) {
    }

    /** A query part: a word, or a run of CJK characters (its bigrams must follow each other: a phrase). */
    record Group(List<String> lexemes, String text) {
    }

    private SearchText() {
    }

    static boolean cjk(int cp) {
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
                || s == Character.UnicodeScript.KATAKANA || s == Character.UnicodeScript.HANGUL;
    }

    static boolean wordChar(int cp) {
        return Character.isLetterOrDigit(cp) && !cjk(cp);
    }

    /** The text's tokens in order, positions from 1. */
    static List<Token> tokens(String text) {
        List<Token> out = new ArrayList<>();
        int position = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            int cp = text.codePointAt(i);
            if (cjk(cp)) {
                int start = i;
                List<int[]> chars = new ArrayList<>();
                while (i < n && cjk(text.codePointAt(i))) {
                    int c = text.codePointAt(i);
                    chars.add(new int[] {i, i + Character.charCount(c)});
                    i += Character.charCount(c);
                }
                if (chars.size() == 1) {
                    out.add(new Token(text.substring(start, i), ++position, start, i));
                } else {
                    for (int k = 0; k + 1 < chars.size(); k++) {
                        out.add(new Token(text.substring(chars.get(k)[0], chars.get(k + 1)[1]), ++position,
                                chars.get(k)[0], chars.get(k + 1)[1]));
                    }
                }
            } else if (wordChar(cp)) {
                int start = i;
                while (i < n && wordChar(text.codePointAt(i))) {
                    i += Character.charCount(text.codePointAt(i));
                }
                String word = text.substring(start, i).toLowerCase(Locale.ROOT);
                if (word.length() <= MAX_WORD) {
                    out.add(new Token(word, ++position, start, i));
                }
            } else {
                i += Character.charCount(cp);
            }
        }
        return out;
    }

    /**
     * The tsvector literal of a post: the text's tokens at their positions (weight D), then the tags (weight A,
     * each tag's tokens).
     */
    static String vector(String text, List<String> tags) {
        Map<String, StringBuilder> lexemes = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        int last = 0;
        for (Token t : tokens(text)) {
            last = Math.min(t.position(), MAX_POSITION);
            add(lexemes, counts, t.lexeme(), last, "");
        }
        for (String tag : tags) {
            for (Token t : tokens(tag)) {
                add(lexemes, counts, t.lexeme(), Math.min(last + t.position(), MAX_POSITION), "A");
            }
            last = Math.min(last + tokens(tag).size() + 1, MAX_POSITION);
        }
        StringBuilder out = new StringBuilder();
        lexemes.forEach((lexeme, positions) -> {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(quote(lexeme)).append(':').append(positions);
        });
        return out.toString();
    }

    private static void add(Map<String, StringBuilder> lexemes, Map<String, Integer> counts, String lexeme,
                            int position, String weight) {
        int count = counts.merge(lexeme, 1, Integer::sum);
        if (count > 256) {
            return; // a tsvector keeps at most 256 positions per lexeme
        }
        StringBuilder p = lexemes.computeIfAbsent(lexeme, k -> new StringBuilder());
        if (!p.isEmpty()) {
            p.append(',');
        }
        p.append(position).append(weight);
    }

    /** The query's parts: each word, each CJK run (at most {@link #MAX_QUERY_GROUPS}). */
    static List<Group> groups(String query) {
        List<Group> groups = new ArrayList<>();
        List<Token> tokens = tokens(query);
        int k = 0;
        while (k < tokens.size() && groups.size() < MAX_QUERY_GROUPS) {
            Token t = tokens.get(k);
            if (cjk(t.lexeme().codePointAt(0))) {
                List<String> run = new ArrayList<>(List.of(t.lexeme()));
                int end = t.end();
                int start = t.start();
                while (k + 1 < tokens.size() && cjk(tokens.get(k + 1).lexeme().codePointAt(0))
                        && tokens.get(k + 1).start() < end) {
                    k++;
                    run.add(tokens.get(k).lexeme());
                    end = tokens.get(k).end();
                }
                groups.add(new Group(run, query.substring(start, end)));
            } else {
                groups.add(new Group(List.of(t.lexeme()), t.lexeme()));
            }
            k++;
        }
        return groups;
    }

    /** The tsquery literal of the groups (all of them: AND; a CJK run's bigrams as a phrase), or null if empty. */
    static String query(List<Group> groups) {
        if (groups.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (Group g : groups) {
            List<String> quoted = g.lexemes().stream().map(SearchText::quote).toList();
            parts.add(quoted.size() == 1 ? quoted.get(0) : "(" + String.join(" <-> ", quoted) + ")");
        }
        return String.join(" & ", parts);
    }

    /** A lexeme quoted for a tsvector or tsquery literal. */
    static String quote(String lexeme) {
        return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** Whether a text matches every group (the same rule as the index, for texts searched in memory). */
    static boolean matches(String text, List<String> tags, List<Group> groups) {
        if (groups.isEmpty()) {
            return false;
        }
        String all = text + "\n" + String.join(" ", tags);
        List<String> words = tokens(all).stream().map(Token::lexeme).toList();
        String lower = all.toLowerCase(Locale.ROOT);
        for (Group g : groups) {
            boolean cjkGroup = cjk(g.text().codePointAt(0));
            if (cjkGroup ? !lower.contains(g.text()) || g.lexemes().size() == 1 && !words.contains(g.text())
                    : !words.contains(g.text())) {
                return false;
            }
        }
        return true;
    }

    /**
     * A snippet of at most ~200 characters around the first match, the matched parts between {@code [[} and
     * {@code ]]} (plain text; whoever shows it escapes it).
     */
    static String snippet(String text, List<Group> groups) {
        String flat = text.replaceAll("\\s+", " ").strip();
        List<int[]> marks = new ArrayList<>();
        List<Token> tokens = tokens(flat);
        for (Group g : groups) {
            if (cjk(g.text().codePointAt(0))) {
                int from = 0;
                int at;
                while ((at = flat.indexOf(g.text(), from)) >= 0) {
                    marks.add(new int[] {at, at + g.text().length()});
                    from = at + g.text().length();
                }
            } else {
                for (Token t : tokens) {
                    if (t.lexeme().equals(g.text())) {
                        marks.add(new int[] {t.start(), t.end()});
                    }
                }
            }
        }
        marks.sort((a, b) -> Integer.compare(a[0], b[0]));
        int first = marks.isEmpty() ? 0 : marks.get(0)[0];
        int start = Math.max(0, first - 60);
        int end = Math.min(flat.length(), start + 200);
        StringBuilder out = new StringBuilder(start > 0 ? "…" : "");
        int at = start;
        for (int[] m : marks) {
            if (m[0] < at || m[1] > end) {
                continue;
            }
            out.append(flat, at, m[0]).append("[[").append(flat, m[0], m[1]).append("]]");
            at = m[1];
        }
        out.append(flat, at, end);
        if (end < flat.length()) {
            out.append('…');
        }
        return out.toString();
    }
}
