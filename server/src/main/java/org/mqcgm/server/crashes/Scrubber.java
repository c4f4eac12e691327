package org.mqcgm.server.crashes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes personal data out of a crash report before anything is stored (PR-50): e-mail addresses, phone numbers,
 * glucose values and every other number a message holds (a value of a reading cannot be told from any other
 * number), bearer tokens and other long opaque strings, ids (UUIDs: whose data a page showed) and the query strings
 * and fragments of URLs. Line and column numbers of stack frames ({@code app.js:12:34}, {@code Foo.java:120}) stay:
 * they are what a developer needs and say nothing about the person; a number after any other colon goes (a time, a
 * {@code value:287}). What is removed is replaced by a marker
 * ({@code [e-mail]}, {@code [phone]}, {@code [n]}, {@code [token]}, {@code [id]}), so a report still reads.
 *
 * <p>Deliberately greedy: a report that loses a harmless number costs a developer a minute; one that keeps a
 * glucose value breaks a promise.
 */
final class Scrubber {

    private static final Pattern URL = Pattern.compile("(?i)\\b(https?|wss?|file)://[^\\s'\"<>()]+");
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9._%+-]+(?:@|\\s*\\[at]\\s*|%40)[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern UUID = Pattern.compile(
            "(?i)\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b");
    /** {@code Bearer X}, and {@code token=X}, {@code "password": "X"} and the like. */
    private static final Pattern SECRET = Pattern.compile("(?i)\\b(bearer\\s+|(?:token|authorization|password|"
            + "secret|cookie|session|code|pin)[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',;&]+");
    /** Base64/base64url/hex runs of 20 or more characters with at least one digit: tokens, keys, hashes. */
    private static final Pattern OPAQUE = Pattern.compile("(?<![A-Za-z0-9_-])(?=[A-Za-z_-]*\\d)[A-Za-z0-9_+/=-]{20,}");
    /** Phone numbers: an optional +, then 7 to 15 digits with spaces, dots, dashes or brackets between them. */
    private static final Pattern PHONE = Pattern.compile("(?<![\\w.:])\\+?\\(?\\d(?:[\\s().-]{0,2}\\d){6,14}(?![\\w])");
    /** Numbers: digits with an optional fraction, not inside a word. */
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w$])\\d+(?:[.,]\\d+)?(?![\\w])");
    /** A stack frame's line and column right after a source file's name: {@code app.js:12:34}, {@code Foo.java:120}. */
    private static final Pattern LOCATION = Pattern.compile(
            "(?i)(?<=\\.(?:js|mjs|cjs|ts|jsx|tsx|java|kt|html))(?::\\d+){1,2}(?![\\w.])");

    private Scrubber() {
    }

    /** A message, stack or other free text, scrubbed. */
    static String text(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        String out = urls(s);
        out = EMAIL.matcher(out).replaceAll("[e-mail]");
        out = UUID.matcher(out).replaceAll("[id]");
        out = SECRET.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "[token]"));
        out = OPAQUE.matcher(out).replaceAll("[token]");
        out = PHONE.matcher(out).replaceAll("[phone]");
        out = numbers(out);
        return out;
    }

    /** URLs keep scheme, host and path; query and fragment go ({@code ?q=…} may hold anything). */
    private static String urls(String s) {
        return URL.matcher(s).replaceAll(m -> {
            String u = m.group();
            int cut = indexOfAny(u, '?', '#');
            return Matcher.quoteReplacement(cut < 0 ? u : u.substring(0, cut));
        });
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    /** Every number goes, except a stack frame's line and column after a source file's name. */
    private static String numbers(String s) {
        StringBuilder out = new StringBuilder(s.length());
        Matcher location = LOCATION.matcher(s);
        int from = 0;
        while (location.find()) {
            out.append(NUMBER.matcher(s.substring(from, location.start())).replaceAll("[n]")).append(location.group());
            from = location.end();
        }
        return out.append(NUMBER.matcher(s.substring(from)).replaceAll("[n]")).toString();
    }

    /** An error's kind ({@code TypeError}, {@code java.lang.IllegalStateException}), or "Error" when it is not one. */
    static String kind(String kind) {
        if (kind == null || !kind.matches("[A-Za-z_$][A-Za-z0-9_$.]{0,119}")) {
            return "Error";
        }
        return kind;
    }

    /**
     * The group of a report: the same fault gives the same signature whatever the values in its message, the build
     * hash in the script's name or the line the code moved to — source, kind and the first five frames, without
     * digits.
     */
    static String signature(String source, String kind, String scrubbedStack) {
        List<String> frames = scrubbedStack.lines().map(String::strip)
                .filter(l -> l.startsWith("at ") || l.contains("@") || l.matches(".*\\.(js|java|kt|mjs)\\b.*"))
                .limit(5)
                .map(l -> l.replaceAll("\\.[0-9a-f]{6,}\\.", ".").replaceAll("\\d+", ""))
                .toList();
        String basis = source + "\n" + kind + "\n" + String.join("\n", frames);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(basis.toLowerCase(Locale.ROOT)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
