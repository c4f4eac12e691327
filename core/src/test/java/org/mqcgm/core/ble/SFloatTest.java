package org.mqcgm.core.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IEEE 11073 SFLOAT, ble-cgms.md §2. */
class SFloatTest {

    @Test
    void headerExamplesEncodeAndDecodeExactly() {
        JsonNode examples = Vectors.root().get("sfloat_examples");
        assertThat(examples.size()).isEqualTo(6);
        Iterator<Map.Entry<String, JsonNode>> it = examples.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            BigDecimal value = new BigDecimal(e.getKey());
            int raw = Integer.parseInt(e.getValue().asText().substring(2), 16);

            assertThat(SFloat.of(value).raw()).as(e.getKey()).isEqualTo(raw);
            BigDecimal decoded = SFloat.fromRaw(raw).orElseThrow().decimal().orElseThrow();
            assertThat(decoded).as(e.getKey()).isEqualTo(value); // equals: same value AND scale
        }
    }

    @Test
    void decodingF3F7Gives101Point5NotAFloatApproximation() {
        SFloat v = SFloat.fromRaw(0xF3F7).orElseThrow();

        assertThat(v).isEqualTo(new SFloat.Finite(1015, -1));
        assertThat(v.decimal()).contains(new BigDecimal("101.5"));
        assertThat(v.decimal().orElseThrow().toPlainString()).isEqualTo("101.5");
    }

    @Test
    void specWorkedExamples() {
        assertThat(SFloat.of(new BigDecimal("120")).raw()).isEqualTo(0x0078);
        assertThat(SFloat.of(new BigDecimal("5.5")).raw()).isEqualTo(0xF037);
        assertThat(SFloat.of(new BigDecimal("-1.5")).raw()).isEqualTo(0xFFF1);
        assertThat(SFloat.of(new BigDecimal("101.5")).raw()).isEqualTo(0xF3F7);
        assertThat(SFloat.of(new BigDecimal("4.5E+2")).raw()).isEqualTo(0x102D);
        assertThat(SFloat.of(new BigDecimal("95")).raw()).isEqualTo(0x005F);
        assertThat(SFloat.fromRaw(0x102D).orElseThrow().decimal()).contains(new BigDecimal("450"));
    }

    @Test
    void specialValuesDecodeToTheirLabelsAndHaveNoNumber() {
        assertThat(SFloat.fromRaw(0x07FF).orElseThrow()).isEqualTo(SFloat.Special.NAN);
        assertThat(SFloat.fromRaw(0x0800).orElseThrow()).isEqualTo(SFloat.Special.NRES);
        assertThat(SFloat.fromRaw(0x07FE).orElseThrow()).isEqualTo(SFloat.Special.POSITIVE_INFINITY);
        assertThat(SFloat.fromRaw(0x0802).orElseThrow()).isEqualTo(SFloat.Special.NEGATIVE_INFINITY);
        for (SFloat.Special s : SFloat.Special.values()) {
            assertThat(s.decimal()).isEmpty();
            assertThat(s.isFinite()).isFalse();
            assertThat(SFloat.parse(s.label())).isEqualTo(s);
        }
    }

    @Test
    void reservedValueIsRejected() {
        Decoded<SFloat> d = SFloat.fromRaw(0x0801);

        assertThat(d.errorIfAny()).hasValueSatisfying(e ->
                assertThat(e.kind()).isEqualTo(DecodeError.Kind.RESERVED_VALUE));
    }

    @Test
    void specialCodesWithNonZeroExponentAreOrdinaryNumbers() {
        // Special values are defined with exponent 0 only (ble-cgms.md §2, Wireshark, NCS sfloat.h).
        assertThat(SFloat.fromRaw(0x17FF).orElseThrow().decimal()).contains(new BigDecimal("20470"));
        assertThat(SFloat.fromRaw(0xF801).orElseThrow().decimal()).contains(new BigDecimal("-204.7"));
        assertThat(SFloat.fromRaw(0x1800).orElseThrow().decimal()).contains(new BigDecimal("-20480"));
    }

    @Test
    void everyNonReservedRawValueRoundTripsExactly() {
        for (int raw = 0; raw <= 0xFFFF; raw++) {
            Decoded<SFloat> d = SFloat.fromRaw(raw);
            if (raw == SFloat.RESERVED) {
                assertThat(d.isOk()).isFalse();
                continue;
            }
            SFloat v = d.orElseThrow();
            assertThat(v.raw()).isEqualTo(raw);
            if (v instanceof SFloat.Finite f) {
                // value() then exactly() at the same scale gives back the same mantissa/exponent
                assertThat(SFloat.of(f.value()).decimal()).contains(f.value());
            }
        }
    }

    @Test
    void keepsTheScaleOfTheGivenDecimal() {
        assertThat(SFloat.of(new BigDecimal("2.0"))).isEqualTo(new SFloat.Finite(20, -1));
        assertThat(SFloat.of(new BigDecimal("2"))).isEqualTo(new SFloat.Finite(2, 0));
        assertThat(SFloat.of(new BigDecimal("12E+1"))).isEqualTo(new SFloat.Finite(12, 1));
    }

    @Test
    void fallsBackToTheNearestRepresentableExponent() {
        assertThat(SFloat.of(new BigDecimal("20000"))).isEqualTo(new SFloat.Finite(2000, 1));
        assertThat(SFloat.of(new BigDecimal("101.50"))).isEqualTo(new SFloat.Finite(1015, -1));
        assertThat(SFloat.of(new BigDecimal("0.00000001"))).isEqualTo(new SFloat.Finite(1, -8));
    }

    @Test
    void refusesValuesThatWouldLosePrecision() {
        assertThat(SFloat.exactly(new BigDecimal("2048"))).isEmpty();       // mantissa overflow, no exact exponent
        assertThat(SFloat.exactly(new BigDecimal("101.55"))).isEmpty();     // 10155 > 2047
        assertThat(SFloat.exactly(new BigDecimal("0.000000001"))).isEmpty(); // exponent < -8
        assertThat(SFloat.exactly(new BigDecimal("1E+11"))).isEmpty();      // > 2047e7
        assertThat(SFloat.exactly(new BigDecimal("2046"))).isEmpty();       // would be +INFINITY at exponent 0
        assertThatThrownBy(() -> SFloat.of(new BigDecimal("2048"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void finiteConstructorRejectsSpecialCodePoints() {
        assertThatThrownBy(() -> new SFloat.Finite(2047, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SFloat.Finite(-2047, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SFloat.Finite(0, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SFloat.Finite(2048, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SFloat.Finite(2047, 1).raw()).isEqualTo(0x17FF);
    }
}
