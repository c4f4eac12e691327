package org.mqcgm.core.metrics.io;

import org.mqcgm.core.glucose.GlucoseUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.mqcgm.core.metrics.CgmRecording;

class CgmCsvReaderTest {

    @Test
    void readsTheOracleFormat() {
        CgmRecording r = CgmCsvReader.parse("timestamp_utc,glucose_mg_dl\n2024-03-04T00:03:17Z,122\n2024-03-04T00:08:17Z,113\n");
        assertThat(r.inputUnit()).isEqualTo(GlucoseUnit.MG_DL);
        assertThat(r.rowsRead()).isEqualTo(2);
        assertThat(r.samples()).hasSize(2);
        assertThat(r.samples().get(0).time()).isEqualTo(Instant.parse("2024-03-04T00:03:17Z"));
        assertThat(r.samples().get(0).mgdl()).isEqualTo(122.0);
    }

    @Test
    void unparsableRowsAreDroppedButCounted() {
        CgmRecording r = CgmCsvReader.parse(String.join("\n",
                "timestamp_utc,glucose_mg_dl",
                "2024-03-04T00:00:00Z,100",
                "yesterday,100",
                "2024-02-30T00:00:00Z,100",
                "2024-03-04T00:05:00Z,abc",
                "2024-03-04T00:10:00Z,",
                "2024-03-04T00:15:00Z,NaN",
                "2024-03-04T00:20:00Z,1d",
                "just-one-field"));
        assertThat(r.rowsRead()).isEqualTo(8);
        assertThat(r.samples()).hasSize(1);
    }

    @Test
    void sensorLowAndHighReadAs40And400() throws IOException {
        String csv = "timestamp_utc,glucose_mg_dl\n2024-03-04T00:00:00Z,LOW\n2024-03-04T00:05:00Z,High\n";
        CgmRecording mapped = CgmCsvReader.parse(csv);
        assertThat(mapped.samples()).extracting(s -> s.mgdl()).containsExactly(40.0, 400.0);
        CgmRecording strict = CgmCsvReader.read(new StringReader(csv), false);
        assertThat(strict.samples()).isEmpty();
        assertThat(strict.rowsRead()).isEqualTo(2);
    }

    @Test
    void mmolInputIsConvertedWithTheOracleFactor() {
        CgmRecording r = CgmCsvReader.parse("timestamp_utc,glucose_mmol_l\n2024-03-04T00:00:00Z,5.5\n");
        assertThat(r.inputUnit()).isEqualTo(GlucoseUnit.MMOL_L);
        assertThat(r.samples().get(0).mgdl()).isEqualTo(5.5 * 18.0182);
    }

    @Test
    void blankLinesQuotesAndWhitespaceAreTolerated() {
        CgmRecording r = CgmCsvReader.parse(
                "\uFEFF\"timestamp_utc\",\"glucose_mg_dl\"\r\n\r\n \"2024-03-04T00:00:00Z\" , \"99.5\" \r\n\n");
        assertThat(r.rowsRead()).isEqualTo(1);
        assertThat(r.samples().get(0).mgdl()).isCloseTo(99.5, within(0.0));
    }

    @Test
    void isoOffsetsAndFractionsAreAcceptedAsAnExtension() {
        CgmRecording r = CgmCsvReader.parse(
                "timestamp_utc,glucose_mg_dl\n2024-03-04T01:00:00+01:00,100\n2024-03-04T00:05:00.250Z,101\n");
        assertThat(r.samples()).extracting(s -> s.time())
                .containsExactly(Instant.parse("2024-03-04T00:00:00Z"), Instant.parse("2024-03-04T00:05:00.250Z"));
    }

    @Test
    void unknownValueColumnIsRejected() {
        assertThatThrownBy(() -> CgmCsvReader.parse("time,glucose\n2024-03-04T00:00:00Z,100\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("glucose_mg_dl");
        assertThatThrownBy(() -> CgmCsvReader.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
