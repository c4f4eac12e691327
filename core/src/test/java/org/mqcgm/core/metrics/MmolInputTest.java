package org.mqcgm.core.metrics;

import org.mqcgm.core.glucose.GlucoseUnit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.mqcgm.core.metrics.io.CgmCsvReader;

/** mmol/L input is converted once and then analysed exactly like the equivalent mg/dL input. */
class MmolInputTest {

    @Test
    void mmolCsvGivesTheSameMetricsAsTheConvertedMgdlCsv() {
        Random rnd = new Random(7);
        StringBuilder mmol = new StringBuilder("timestamp_utc,glucose_mmol_l\n");
        StringBuilder mgdl = new StringBuilder("timestamp_utc,glucose_mg_dl\n");
        for (GlucoseSample s : Traces.random(rnd, 3)) {
            double v = Math.round(s.mgdl() / 1.8) / 10.0; // one decimal, as meters show it
            String t = s.time().toString();
            mmol.append(t).append(',').append(v).append('\n');
            mgdl.append(t).append(',').append(v * GlucoseUnit.MGDL_PER_MMOLL).append('\n');
        }
        CgmResult fromMmol = CgmAnalysis.analyze(CgmCsvReader.parse(mmol.toString()), CgmOptions.reference());
        CgmResult fromMgdl = CgmAnalysis.analyze(CgmCsvReader.parse(mgdl.toString()), CgmOptions.reference());

        assertThat(fromMmol.inputUnit()).isEqualTo(GlucoseUnit.MMOL_L);
        assertThat(fromMmol.toExpectedShape("m").get("input_unit")).isEqualTo("mmol/L");
        Map<String, Object> a = new LinkedHashMap<>(fromMgdl.toExpectedShape("m"));
        Map<String, Object> b = new LinkedHashMap<>(fromMmol.toExpectedShape("m"));
        a.remove("input_unit");
        b.remove("input_unit");
        assertThat(Traces.differences(a, b)).isEmpty();
    }
}
