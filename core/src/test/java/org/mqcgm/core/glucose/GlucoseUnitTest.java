package org.mqcgm.core.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlucoseUnitTest {

    @Test
    void mmolDisplayRoundsToOneDecimal() {
        assertThat(GlucoseUnit.MMOL_L.format(100)).isEqualTo("5.5");
        assertThat(GlucoseUnit.MMOL_L.format(180)).isEqualTo("10.0");
        assertThat(GlucoseUnit.MMOL_L.format(70)).isEqualTo("3.9");
        assertThat(GlucoseUnit.MMOL_L.format(54)).isEqualTo("3.0");
        assertThat(GlucoseUnit.MG_DL.format(123)).isEqualTo("123");
    }

    @Test
    void mmolInputConvertsWithTheOracleFactor() {
        assertThat(GlucoseUnit.MMOL_L.toMgdl(10.0)).isCloseTo(180.182, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(GlucoseUnit.MMOL_L.toStoredMgdl(5.5)).isEqualTo(99);
        assertThat(GlucoseUnit.MG_DL.toStoredMgdl(99.5)).isEqualTo(100);
    }

    @Test
    void everyStoredValueSurvivesDisplayInMmolAndBack() {
        for (int mgdl = Reading.MIN_MGDL; mgdl <= Reading.MAX_MGDL; mgdl++) {
            double shown = GlucoseUnit.mmolForDisplay(mgdl).doubleValue();
            // One decimal of mmol/L is 1.8 mg/dL, so the round trip lands within 0.9 mg/dL.
            assertThat(Math.abs(GlucoseUnit.MMOL_L.toMgdl(shown) - mgdl)).isLessThanOrEqualTo(0.91);
        }
    }

    @Test
    void parsesTheSpellingsUploadersUse() {
        assertThat(GlucoseUnit.parse("mg/dl")).contains(GlucoseUnit.MG_DL);
        assertThat(GlucoseUnit.parse(" MMOL/L ")).contains(GlucoseUnit.MMOL_L);
        assertThat(GlucoseUnit.parse("mmol")).contains(GlucoseUnit.MMOL_L);
        assertThat(GlucoseUnit.parse("g/l")).isEmpty();
        assertThat(GlucoseUnit.parse(null)).isEmpty();
    }
}
