package org.mqcgm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The counting sort of whole numbers gives exactly what Arrays.sort gives, bit for bit, and everything else is left to it. */
class RNumericsSortTest {

    @Test
    void sameResultAsArraysSortForEveryKindOfInput() {
        Random random = new Random(11);
        for (int round = 0; round < 2_000; round++) {
            int n = random.nextInt(3_000);
            double[] x = new double[n];
            int kind = round % 6;
            for (int i = 0; i < n; i++) {
                x[i] = switch (kind) {
                    case 0 -> 20 + random.nextInt(581);                          // mg/dL
                    case 1 -> random.nextInt(4096);                              // up to the limit
                    case 2 -> 20 + random.nextInt(581) + (i == n / 2 ? 0.5 : 0); // one fraction
                    case 3 -> i == n / 3 ? -0.0 : random.nextInt(100);           // a negative zero
                    case 4 -> i == n / 4 ? Double.NaN : random.nextInt(600);     // a NaN
                    default -> i == n / 5 ? 4096 : random.nextInt(600);          // beyond the counting range
                };
            }
            int from = n == 0 ? 0 : random.nextInt(n);
            int to = from + (n == from ? 0 : random.nextInt(n - from + 1));
            double[] expected = x.clone();
            Arrays.sort(expected, from, to);
            double[] actual = x.clone();
            RNumerics.sort(actual, from, to);
            for (int i = 0; i < n; i++) {
                assertThat(Double.doubleToRawLongBits(actual[i])).as("round %d index %d", round, i)
                        .isEqualTo(Double.doubleToRawLongBits(expected[i]));
            }
        }
    }
}
