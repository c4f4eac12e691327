package org.mqcgm.core.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HexTest {

    @Test
    void parsesWithOrWithoutSeparatorsAndPrefix() {
        byte[] expected = {0x08, 0x00, 0x78, (byte) 0xE8};

        assertThat(Hex.parse("080078e8")).isEqualTo(expected);
        assertThat(Hex.parse("08 00 78 E8")).isEqualTo(expected);
        assertThat(Hex.parse("0x08:00-78_e8")).isEqualTo(expected);
        assertThat(Hex.parse("")).isEmpty();
    }

    @Test
    void rejectsOddDigitsAndNonHex() {
        assertThatThrownBy(() -> Hex.parse("080")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hex.parse("0g")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Hex.tryParse("zz")).isEmpty();
    }

    @Test
    void formatsLowerCase() {
        byte[] b = {0x1A, 0x5C, (byte) 0xB0};

        assertThat(Hex.format(b)).isEqualTo("1a5cb0");
        assertThat(Hex.format(b, " ")).isEqualTo("1a 5c b0");
        assertThat(Hex.number(0x01900D, 6)).isEqualTo("0x01900d");
    }

    @Test
    void formattingDoesNotDependOnTheDefaultLocale() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("ar-EG-u-nu-arab"));
            assertThat(Hex.number(0x2AA7, 4)).isEqualTo("0x2aa7");
            SessionStartTime t = SessionStartTime.of(java.time.LocalDateTime.of(2024, 3, 10, 8, 30), 4,
                    SessionStartTime.DstOffset.DAYLIGHT_TIME);
            assertThat(CgmsJsonView.sessionStartTime(t)).containsEntry("date_time", "2024-03-10T08:30:00");
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }
}
