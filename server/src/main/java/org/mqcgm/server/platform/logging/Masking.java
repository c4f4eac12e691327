package org.mqcgm.server.platform.logging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks contact details in log text (PR-33): phone numbers ({@code +8613812345678} → {@code +86*********78},
 * Chinese mobile numbers without a prefix too) and e-mail addresses ({@code li.wei@example.org} →
 * {@code l***@example.org}). Whatever a message or an exception says, a log line never carries a whole one.
 */
public final class Masking {

    private static final Pattern PHONE = Pattern.compile("(?<![\\w.:/-])(\\+\\d{8,15}|1[3-9]\\d{9})(?![\\w])");
    private static final Pattern EMAIL = Pattern.compile("(?<![\\w.+-])([\\w.+-])[\\w.+-]*@([\\w-]+(?:\\.[\\w-]+)+)");

    private Masking() {
    }

    /**
     * Log injection (ASVS V7.3.1): CR, LF, tab and every other control character (C0, DEL, C1, and the Unicode line
     * and paragraph separators) are written as escapes ({@code \r}, {@code \n}, {@code \t}, {@code \u2028}), so one
     * log event is always one line whatever a logged value holds.
     */
    public static String encodeControls(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (!control) {
                    out.append(c);
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\t') {
                    out.append("\\t");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? text : out.toString();
    }

    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String s = text;
        if (s.indexOf('@') >= 0) {
            s = EMAIL.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***@" + m.group(2)));
        }
        Matcher m = PHONE.matcher(s);
        if (!m.find()) {
            return s;
        }
        return PHONE.matcher(s).replaceAll(p -> {
            String n = p.group(1);
            int keep = n.startsWith("+") ? 3 : 3;
            return Matcher.quoteReplacement(n.substring(0, keep) + "*".repeat(n.length() - keep - 2)
                    + n.substring(n.length() - 2));
        });
    }
}
