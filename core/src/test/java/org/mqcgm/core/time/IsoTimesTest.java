package org.mqcgm.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IsoTimesTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-26T08:05:00+08:00", "2026-11-26T00:05:00Z", "2026-11-26T00:05Z",
        "2026-11-26T00:05:07.1Z", "2026-11-26T00:05:07.123456789-03:30", "2024-02-29T23:59:59.999+14:00",
        "2026-03-29T02:30:00+01:00", "0001-01-01T00:00:00Z", "2026-11-26T08:05:00+08:00:00", "+12026-11-26T08:05Z",
        "2026-11-26T08:05:00.Z", "2026-02-30T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T08:05:00+18:01",
        "2026-11-26t08:05:00Z", "2026-11-26T08:05:00", "2026-11-26 08:05:00Z", "2026-11-26T08:05:00.1234567891Z",
        "2026-11-26T08:05:00+0800", "", "x", "2026-1-26T08:05:00Z", "2026-11-26T08:05:60Z"})
    void agreesWithTheJdkOnEveryShape(String text) {
        assertSameAsJdk(text);
    }

    @Test
    void agreesWithTheJdkOnRandomDamage() {
        Random random = new Random(42);
        String base = "2026-11-26T08:05:07.250+08:00";
        String alphabet = "0123456789-+:.TZz ";
        for (int i = 0; i < 20_000; i++) {
            char[] c = base.toCharArray();
            c[random.nextInt(c.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            String text = random.nextInt(10) == 0 ? new String(c, 0, random.nextInt(c.length)) : new String(c);
            assertSameAsJdk(text);
        }
    }

    private static void assertSameAsJdk(String text) {
        OffsetDateTime expected;
        try {
            expected = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            assertThatThrownBy(() -> IsoTimes.parseOffsetDateTime(text)).as("'%s' is refused", text)
                    .isInstanceOf(DateTimeParseException.class);
            return;
        }
        assertThat(IsoTimes.parseOffsetDateTime(text)).as(text).isEqualTo(expected);
    }
}
