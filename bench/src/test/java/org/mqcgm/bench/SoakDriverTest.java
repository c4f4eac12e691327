package org.mqcgm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakDriverTest {

    @Test
    void readsThePausesOfAGcLogAndTheirPercentiles() {
        List<SoakDriver.Gc> gcs = SoakDriver.parseGcLog(List.of(
                "[2026-12-08T04:23:02.748+0000][504.692s][info][gc,start       ] GC(156) Pause Full (G1 Compaction Pause)",
                "[2026-12-08T04:23:03.658+0000][505.603s][info][gc             ] GC(156) Pause Full (G1 Compaction Pause)"
                        + " 253M->114M(256M) 910.266ms",
                "[2026-12-08T04:23:09.581+0000][511.526s][info][gc             ] GC(157) Pause Young (Normal) (G1"
                        + " Evacuation Pause) 1G->512K(2G) 34.310ms",
                "[2026-12-08T04:23:09.581+0000][511.526s][info][gc,heap        ] GC(157) Humongous regions: 5->5"));

        assertThat(gcs).containsExactly(
                new SoakDriver.Gc(Instant.parse("2026-12-08T04:23:03.658Z"), "Pause Full (G1 Compaction Pause)", 253,
                        114, 910.266),
                new SoakDriver.Gc(Instant.parse("2026-12-08T04:23:09.581Z"), "Pause Young (Normal) (G1 Evacuation Pause)",
                        1024, 0.5, 34.31));
        assertThat(SoakDriver.pct(new double[] {1, 2, 3, 4}, 50)).isEqualTo(2);
        assertThat(SoakDriver.pct(new double[] {1, 2, 3, 4}, 99)).isEqualTo(4);
        assertThat(SoakDriver.pct(new double[] {1, 2, 3, 4}, 0)).isEqualTo(1);
    }
}
