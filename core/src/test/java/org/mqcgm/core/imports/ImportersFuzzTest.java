package org.mqcgm.core.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.time.ZoneId;

/**
 * Jazzer fuzz test of {@link Importers#parse(byte[])} and {@link Conversion#convert}: whatever the bytes, the only
 * exception is the parser's own {@link ImportException} (with a rule and a one-line message), and every reading that
 * comes out is valid and in order. Under {@code mvn test} it runs in regression mode over the committed corpus in
 * {@code ImportersFuzzTestInputs/} (the shared samples and a few edge cases); {@code JAZZER_FUZZ=1} explores.
 */
class ImportersFuzzTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    @FuzzTest(maxDuration = "30s")
    void parseNeverThrowsAnythingButItsOwnError(byte[] data) {
        ParsedFile parsed;
        try {
            parsed = Importers.parse(data);
        } catch (ImportException e) {
            assertThat(e.rule()).as("a parser bug caught by the safety net").isNotEqualTo("unreadable");
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
            return;
        }
        Conversion.Converted c = Conversion.convert(parsed, ZONE, NOW);
        for (int i = 1; i < c.readings().size(); i++) {
            assertThat(c.readings().get(i).time()).isAfter(c.readings().get(i - 1).time());
        }
        for (Conversion.Checkin k : c.checkins()) {
            // what a parser makes lies inside the logbook's ranges, so the logbook accepts it
            java.util.Map<String, Object> f = k.entry().fields();
            switch (k.entry().kind()) {
                case "meal" -> assertThat((java.math.BigDecimal) f.get("carbs")).isBetween(
                        java.math.BigDecimal.ZERO, java.math.BigDecimal.valueOf(1000));
                case "insulin" -> {
                    java.math.BigDecimal u = (java.math.BigDecimal) f.get("units");
                    assertThat(u).isPositive().isLessThanOrEqualTo(java.math.BigDecimal.valueOf(300));
                    assertThat(u.multiply(java.math.BigDecimal.valueOf(20)).stripTrailingZeros().scale())
                            .isLessThanOrEqualTo(0);
                    assertThat(f.get("insulinType")).isIn("rapid", "long", "other");
                }
                case "exercise" -> assertThat((Integer) f.get("minutes")).isBetween(1, 1440);
                case "fingerstick" -> {
                    assertThat(f.get("unit")).isIn("mg/dL", "mmol/L");
                    assertThat(org.mqcgm.core.glucose.GlucoseUnit.parse((String) f.get("unit")).orElseThrow()
                            .toStoredMgdl(((java.math.BigDecimal) f.get("value")).doubleValue())).isBetween(20, 600);
                }
                case "note" -> assertThat((String) f.get("note")).isNotBlank().hasSizeLessThanOrEqualTo(2000);
                default -> throw new AssertionError("unknown kind " + k.entry().kind());
            }
        }
        for (Skipped s : c.skipped()) {
            assertThat(s.row()).isPositive();
            assertThat(s.reason()).doesNotContain("\n");
        }
    }
}
