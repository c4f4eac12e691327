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
