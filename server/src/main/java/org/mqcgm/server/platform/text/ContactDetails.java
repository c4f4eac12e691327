package org.mqcgm.server.platform.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Contact details in a text about to be shown to others (PR-90): phone numbers (Chinese mobiles with or without
 * +86 and spaces, international numbers), e-mail addresses and postal address patterns (Chinese 路/街/号/室/栋/单元
 * with numbers, "12 Baker Street", "5 Main Rd"). The community's publish form warns about them and its API refuses
 * them in non-private posts unless the author confirms or asks for their removal; the logbook's forms warn about
 * them in notes a follower would see.
 */
public final class ContactDetails {

    public static final String REDACTED = "[…]";

    private static final List<Pattern> PATTERNS = List.of(
            // e-mail
            Pattern.compile("[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}.-]+\\.[\\p{L}]{2,}"),
            // +86 138 0013 8000, +1 (555) 123-4567, 13800138000, 010-12345678
            Pattern.compile("(?<![\\p{N}])(?:\\+\\d{1,3}[\\s.-]?)?(?:\\(\\d{1,4}\\)[\\s.-]?)?\\d(?:[\\s.-]?\\d){6,13}"
                    + "(?![\\p{N}])"),
            // Chinese addresses: 中山路12号, 3栋2单元501室, 人民大街8号
            Pattern.compile("[\\p{IsHan}]{1,12}(?:路|街|大道|巷|弄|道)\\s*\\d{1,5}\\s*号(?:\\s*\\d{1,4}\\s*(?:室|楼|层))?"),
            Pattern.compile("\\d{1,4}\\s*(?:栋|幢|号楼)\\s*(?:\\d{1,3}\\s*单元)?\\s*\\d{1,5}\\s*(?:室|号)"),
            Pattern.compile("\\d{1,5}\\s*(?:室)"),
            // 12 Baker Street, 5 Main Rd, 221B Baker St.
            Pattern.compile("(?i)\\b\\d{1,5}[a-z]?\\s+(?:[a-z][a-z'-]*\\s+){1,4}(?:street|st\\.?|road|rd\\.?|avenue|ave"
                    + "\\.?|lane|ln\\.?|drive|dr\\.?|boulevard|blvd\\.?)(?![a-z])"));

    private ContactDetails() {
    }

    /** The contact details found, in order of appearance. */
    public static List<String> find(String text) {
        List<int[]> spans = spans(text);
        List<String> found = new ArrayList<>();
        for (int[] s : spans) {
            found.add(text.substring(s[0], s[1]).strip());
        }
        return found;
    }

    /** The text with each contact detail replaced by {@link #REDACTED}. */
    public static String redact(String text) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (int[] s : spans(text)) {
            out.append(text, at, s[0]).append(REDACTED);
            at = s[1];
        }
        return out.append(text.substring(at)).toString();
    }

    /** Non-overlapping matches of every pattern, in order. */
    private static List<int[]> spans(String text) {
        List<int[]> all = new ArrayList<>();
        for (Pattern p : PATTERNS) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                all.add(new int[] {m.start(), m.end()});
            }
        }
        all.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(b[1], a[1]));
        List<int[]> kept = new ArrayList<>();
        int end = -1;
        for (int[] s : all) {
            if (s[0] >= end) {
                kept.add(s);
                end = s[1];
            }
        }
        return kept;
    }
}
