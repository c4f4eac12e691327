package org.mqcgm.core.ble;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** CRC-16/MCRF4XX, ble-cgms.md §3. */
class E2eCrcTest {

    @Test
    void checkValueFromTheVectorFileHeader() {
        JsonNode check = Vectors.root().get("crc_check");
        byte[] input = check.get("input_ascii").asText().getBytes(StandardCharsets.US_ASCII);
        int expected = Integer.parseInt(check.get("crc").asText().substring(2), 16);

        assertThat(E2eCrc.compute(input)).isEqualTo(expected).isEqualTo(E2eCrc.CHECK_VALUE);
    }

    @Test
    void measurementRecordWorkedExample() {
        assertThat(E2eCrc.compute(Hex.parse("08 00 78 00 05 00"))).isEqualTo(0xE80D);
    }

    @Test
    void startSessionWorkedExample() {
        assertThat(E2eCrc.compute(Hex.parse("1a"))).isEqualTo(0xB05C);
    }

    @Test
    void emptyInputIsTheInitValue() {
        assertThat(E2eCrc.compute(new byte[0])).isEqualTo(0xFFFF);
    }

    @Test
    void tableDrivenMatchesTheBitwiseDefinition() {
        java.util.Random random = new java.util.Random(0xC4C);
        for (int n = 0; n < 2_000; n++) {
            byte[] data = new byte[random.nextInt(40)];
            random.nextBytes(data);
            assertThat(E2eCrc.compute(data)).isEqualTo(bitwise(data));
        }
    }

    /** The spec's pseudo code, verbatim. */
    private static int bitwise(byte[] data) {
        int crc = 0xFFFF;
        for (byte b : data) {
            crc ^= b & 0xFF;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
            }
        }
        return crc;
    }
}
