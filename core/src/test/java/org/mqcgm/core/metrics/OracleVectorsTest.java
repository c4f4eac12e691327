package org.mqcgm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mqcgm.core.metrics.io.CgmCsvReader;

/**
 * The shared test vectors: every numeric (and string) leaf of each {@code *.expected.json} produced by the
 * base-R oracle must be reproduced by the reference mode within the spec's tolerances.
 */
class OracleVectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> cases() throws IOException, URISyntaxException {
        URL dir = OracleVectorsTest.class.getResource("/metrics");
        assertThat(dir).as("test vectors on the classpath").isNotNull();
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".csv"))
                    .map(f -> f.substring(0, f.length() - 4))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    static CgmRecording readCase(String name) throws IOException {
        try (InputStream in = OracleVectorsTest.class.getResourceAsStream("/metrics/" + name + ".csv");
             Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return CgmCsvReader.read(r);
        }
    }

    static JsonNode expected(String name) throws IOException {
        try (InputStream in = OracleVectorsTest.class.getResourceAsStream("/metrics/" + name + ".expected.json")) {
            return JSON.readTree(in);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referenceModeReproducesEveryOracleField(String name) throws IOException {
        CgmResult result = CgmAnalysis.analyze(readCase(name), CgmOptions.reference());
        Map<String, Object> shape = result.toExpectedShape(name);

        ShapeComparison cmp = ShapeComparison.compare(expected(name), shape);

        assertThat(cmp.leaves()).as("compared leaves").isGreaterThan(1500);
        assertThat(cmp.mismatches()).as("fields differing from the oracle in " + name).isEmpty();
    }
}
