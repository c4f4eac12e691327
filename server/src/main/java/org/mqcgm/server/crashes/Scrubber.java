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
 * and fragments of URLs, hardware addresses and the user's name in home-directory paths. Every run of digits goes,
 * wherever it stands ({@code 287mg/dL}, {@code mgdl=287}, a time), except the line and column of a stack frame
 * right after a source file's name ({@code app.js:12:34}, {@code Foo.java:120}): they are what a developer needs
 * and say nothing about the person. What is removed is replaced by a marker ({@code [e-mail]}, {@code [phone]},
 * {@code [n]}, {@code [token]}, {@code [id]}, {@code [mac]}, {@code [user]}), so a report still reads.
 *
 * <p>Deliberately greedy: a report that loses a harmless number costs a developer a minute; one that keeps a
 * glucose value breaks a promise.
 */
final class Scrubber {

    private static final Pattern URL = Pattern.compile("(?i)\\b(https?|wss?|file)://[^\\s'\"<>()]+");
    /**
     * E-mail addresses in any script ({@code 用户@qq.com}), also written {@code [at]} or {@code %40}. The domain holds
     * a dot and no colon or slash, so a Firefox stack frame ({@code render@https://host/app.js:1:2}) is not one.
     */
    private static final Pattern EMAIL = Pattern.compile("[^\\s@<>()\\[\\]\"',;:]+(?:@|\\s*\\[at]\\s*|%40)"
            + "[^\\s@<>()\\[\\]\"',;:/]+\\.[^\\s@<>()\\[\\]\"',;:/]*[^\\s@<>()\\[\\]\"',;:/.]");
    private static final Pattern UUID = Pattern.compile(
            "(?i)\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b");
    /**
     * A secret's value after its name, the name possibly inside a longer one ({@code access_token=X},
     * {@code mqcgm_session=X}, {@code "password": "X"}, {@code Authorization: Bearer X}).
     */
    private static final Pattern NAMED_SECRET = Pattern.compile("(?i)([\\w-]*(?:token|key|secret|passw(?:or)?d|pwd|"
            + "session|sid|cookie|auth\\w*|code|pin|otp|signature|credential)[\\w-]*[\"']?\\s*[:=]\\s*[\"']?"
            + "(?:bearer\\s+|basic\\s+)?)[^\\s\"',;&]+");
    /** {@code Bearer X} and {@code Basic X} on their own. */
    private static final Pattern SCHEME_SECRET = Pattern.compile("(?i)\\b(bearer|basic)\\s+[^\\s\"',;&\\[]+");
    /** Base64/base64url/hex runs of 20 or more characters with at least one digit: tokens, keys, hashes. */
    private static final Pattern OPAQUE = Pattern.compile("(?<![A-Za-z0-9_-])(?=[A-Za-z_-]*\\d)[A-Za-z0-9_+/=-]{20,}");
    /** Bluetooth and other hardware addresses: {@code E8:DA:FC:AB:CD:EF}. */
    private static final Pattern MAC = Pattern.compile("(?i)(?<![0-9a-f])(?:[0-9a-f]{2}[:_-]){5}[0-9a-f]{2}(?![0-9a-f])");
    /** Phone numbers: an optional +, then 7 to 15 digits with spaces, dots, dashes or brackets between them. */
    private static final Pattern PHONE = Pattern.compile("\\+?\\(?\\p{Nd}(?:[\\s().-]{0,2}\\p{Nd}){6,14}");
    /** The user's name in a home directory: {@code /home/NAME/}, {@code /Users/NAME/}, {@code C:\\Users\\NAME\\}. */
    private static final Pattern HOME = Pattern.compile("(?i)(/home/|/Users/|[A-Z]:\\\\Users\\\\)[^/\\\\]+");
    /** Every run of digits (any script: ２８７ and ٢٨٧ too), wherever it stands: {@code 287mg/dL}, {@code mgdl=287}. */
    private static final Pattern NUMBER = Pattern.compile("\\p{Nd}+(?:[.,]\\p{Nd}+)?");
    /**
     * A stack frame's place: a source file's name with its line and column, {@code app.3fa9c1d2.js:12:34},
     * {@code Foo.java:120}; its digits stay.
     */
    private static final Pattern LOCATION = Pattern.compile(
            "(?i)[\\w.$-]*\\.(?:js|mjs|cjs|ts|jsx|tsx|java|kt|html)(?::\\d+){1,2}(?![\\w.])");

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
        out = NAMED_SECRET.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "[token]"));
        out = SCHEME_SECRET.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + " [token]"));
        out = OPAQUE.matcher(out).replaceAll("[token]");
        out = MAC.matcher(out).replaceAll("[mac]");
        out = HOME.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "[user]"));
        out = PHONE.matcher(out).replaceAll("[phone]");
        out = numbers(out);
        return out;
    }

    /** Whether a text holds something like a phone number (7 to 15 digits with few separators). */
    static boolean hasPhone(String s) {
        return PHONE.matcher(s).find();
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

    /** Every number goes, except in a stack frame's place (a source file's name, line and column). */
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
