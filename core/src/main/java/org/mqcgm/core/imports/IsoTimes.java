package org.mqcgm.core.imports;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * ISO 8601 times with an offset, as Nightscout ({@code dateString}) and Tidepool ({@code time}) write them. The
 * common form {@code 2025-03-14T16:00:00(.000)Z} / {@code …+08:00} is read by hand (the JDK's formatter costs
 * microseconds per row, a large part of a year's import); anything else goes to {@link OffsetDateTime#parse}.
 */
final class IsoTimes {

    private IsoTimes() {
    }

    static OffsetDateTime parse(String text) {
        String t = text.trim();
        int n = t.length();
        if (n >= 20 && t.charAt(4) == '-' && t.charAt(7) == '-' && t.charAt(10) == 'T' && t.charAt(13) == ':'
                && t.charAt(16) == ':') {
            int i = 19;
            int nanos = 0;
            if (i < n && t.charAt(i) == '.') {
                i++;
                int digits = 0;
                while (i < n && Character.isDigit(t.charAt(i))) {
                    if (digits < 9) {
                        nanos = nanos * 10 + (t.charAt(i) - '0');
                    }
                    digits++;
                    i++;
                }
                for (int d = Math.min(digits, 9); d < 9; d++) {
                    nanos *= 10;
                }
                if (digits == 0 || digits > 9) {
                    return OffsetDateTime.parse(t);
                }
            }
            ZoneOffset offset = null;
            if (i == n - 1 && (t.charAt(i) == 'Z' || t.charAt(i) == 'z')) {
                offset = ZoneOffset.UTC;
            } else if (i == n - 6 && (t.charAt(i) == '+' || t.charAt(i) == '-') && t.charAt(i + 3) == ':') {
                offset = ZoneOffset.ofHoursMinutes(Integer.parseInt(t, i + 1, i + 3, 10) * (t.charAt(i) == '-' ? -1 : 1),
                        Integer.parseInt(t, i + 4, i + 6, 10) * (t.charAt(i) == '-' ? -1 : 1));
            }
            if (offset != null && digits(t, 0, 4) && digits(t, 5, 7) && digits(t, 8, 10) && digits(t, 11, 13)
                    && digits(t, 14, 16) && digits(t, 17, 19)) {
                LocalDate day = LocalDate.of(Integer.parseInt(t, 0, 4, 10), Integer.parseInt(t, 5, 7, 10),
                        Integer.parseInt(t, 8, 10, 10));
                return OffsetDateTime.of(day, java.time.LocalTime.of(Integer.parseInt(t, 11, 13, 10),
                        Integer.parseInt(t, 14, 16, 10), Integer.parseInt(t, 17, 19, 10), nanos), offset);
            }
        }
        return OffsetDateTime.parse(t);
    }

    private static boolean digits(String t, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
