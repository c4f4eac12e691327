package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code mqcgm analyze} run through {@link Main#run}, with its standard output and error captured. */
class AnalyzeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    static Path vectors() throws URISyntaxException {
        return Path.of(AnalyzeCommandTest.class.getResource("/metrics").toURI());
    }

    static Stream<String> cases() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(vectors())) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".csv"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
            assertThat(names).as("shared test vectors").hasSizeGreaterThanOrEqualTo(5);
            return names.stream();
        }
    }

    @Tag("PR-20")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void jsonOutputOfEverySharedCaseEqualsTheOraclesExpectedJson(String name) throws Exception {
        CommandRun r = run("analyze", vectors().resolve(name + ".csv").toString(), "--json");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode expected = JSON.readTree(vectors().resolve(name + ".expected.json").toFile());
        List<String> mismatches = new ArrayList<>();
        compare("", expected, JSON.readTree(r.out()), mismatches);
        assertThat(mismatches).as("fields differing from " + name + ".expected.json").isEmpty();
    }

    @Test
    void plainOutputIsAReadableSummaryOfEverySection() throws Exception {
        CommandRun r = run("analyze", vectors().resolve("c1_t1d_5min.csv").toString());

        assertThat(r.status()).isZero();
        JsonNode expected = JSON.readTree(vectors().resolve("c1_t1d_5min.expected.json").toFile()).path("metrics");
        assertThat(r.out())
                .contains("Readings       4032")
                .contains("meets the consensus")
                .contains(String.format(java.util.Locale.ROOT, "in range 70-180        %.1f %%",
                        expected.path("tir_70_180").asDouble()))
                .contains(String.format(java.util.Locale.ROOT, "Mean glucose   %.1f mg/dL",
                        expected.path("mean_mg_dl").asDouble()))
                .contains(String.format(java.util.Locale.ROOT, "GMI            %.2f %%",
                        expected.path("gmi_percent").asDouble()))
                .contains(String.format(java.util.Locale.ROOT, "CV %.1f %%", expected.path("cv_percent").asDouble()))
                .contains("GRI", "LBGI / HBGI", "MAGE", "hypo <54", "hyper >250");
    }

    @Test
    void localDaysFollowTheTimeZoneOption() throws Exception {
        CommandRun utc = run("analyze", vectors().resolve("c1_t1d_5min.csv").toString(), "--json");
        CommandRun shanghai = run("analyze", vectors().resolve("c1_t1d_5min.csv").toString(), "--json", "--tz", "Asia/Shanghai");

        assertThat(shanghai.status()).isZero();
        // 14 UTC days starting at midnight span 15 local days in UTC+8; the overall metrics do not change.
        assertThat(JSON.readTree(utc.out()).path("daily").size()).isEqualTo(14);
        assertThat(JSON.readTree(shanghai.out()).path("daily").size()).isEqualTo(15);
        assertThat(JSON.readTree(shanghai.out()).path("metrics").path("tir_70_180").asDouble())
                .isEqualTo(JSON.readTree(utc.out()).path("metrics").path("tir_70_180").asDouble());
    }

    @Test
    void aRowWithABadTimeStopsWithItsRowNumberAndStatus2() throws IOException {
        Path csv = write("timestamp_utc,glucose_mg_dl\n2024-03-04T00:03:17Z,122\n2024-03-04T00:08:17Z,118\n"
                + "2024-13-04T00:13:17Z,115\n2024-03-04T00:18:17Z,111\n");

        CommandRun r = run("analyze", csv.toString());

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).containsExactly("mqcgm: " + csv
                + ": row 3 (line 4), column timestamp_utc: '2024-13-04T00:13:17Z' is not an ISO-8601 timestamp such as "
                + "2024-03-04T00:03:17Z");
    }

    @Test
    void aRowWithABadValueStopsWithItsRowNumberAndStatus2() throws IOException {
        Path csv = write("timestamp_utc,glucose_mmol_l\n\n2024-03-04T00:03:17Z,6.1\n2024-03-04T00:08:17Z,six\n");

        CommandRun r = run("analyze", csv.toString(), "--json");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).containsExactly("mqcgm: " + csv
                + ": row 2 (line 4), column glucose_mmol_l: 'six' is not a number");
    }

    @Test
    void otherUnusableFilesAreOneLineAndStatus2() throws Exception {
        Map<String, String> cases = Map.of(
                "timestamp_utc,glucose_mg_dl\n2024-03-04T00:03:17Z,0\n", "row 1 (line 2), column glucose_mg_dl: '0' must be positive",
                "timestamp_utc,glucose_mg_dl\n2024-03-04T00:03:17Z 122\n", "row 1 (line 2): expected two comma-separated fields",
                "time,bg\n2024-03-04T00:03:17Z,122\n", "line 1 (header): unknown value column 'bg'",
                "timestamp_utc,glucose_mg_dl\n", "no readings after the header");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path csv = write(c.getKey());
            CommandRun r = run("analyze", csv.toString());
            assertThat(r.status()).as(c.getKey()).isEqualTo(2);
            assertThat(r.err().lines().toList()).as(c.getKey()).hasSize(1);
            assertThat(r.err()).as(c.getKey()).startsWith("mqcgm: " + csv + ": " + c.getValue());
        }
        CommandRun missing = run("analyze", dir.resolve("nope.csv").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("mqcgm: " + dir.resolve("nope.csv") + ": no such file" + System.lineSeparator());
        CommandRun zone = run("analyze", vectors().resolve("c1_t1d_5min.csv").toString(), "--tz", "Mars/Olympus");
        assertThat(zone.status()).isEqualTo(2);
        assertThat(zone.err()).contains("--tz: unknown time zone 'Mars/Olympus'");
    }

    @Test
    void quotedFieldsAndLineBreaksInsideThemAreCsvNotGuessworkAndTheBadRowIsNamedByItsLine() throws IOException {
        // RFC 4180: a quoted third column may hold a comma and a line break; rows after it keep their true line.
        Path csv = write("timestamp_utc,glucose_mg_dl,note\r\n\"2024-03-04T00:03:17Z\",\"122\",\"breakfast, then\r\n"
                + "a walk\"\r\n2024-03-04T00:08:17Z,\"1,18\",\r\n");

        CommandRun r = run("analyze", csv.toString());

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().lines().toList()).containsExactly("mqcgm: " + csv
                + ": row 2 (line 4), column glucose_mg_dl: '1,18' is not a number");

        Path good = write("timestamp_utc,glucose_mg_dl,note\r\n\"2024-03-04T00:03:17Z\",\"122\",\"breakfast, then\r\n"
                + "a walk\"\r\n\n   \n2024-03-04T00:08:17Z, 118 ,\r\n");
        CommandRun ok = run("analyze", good.toString(), "--json");
        assertThat(ok.status()).as(ok.err()).isZero();
        assertThat(JSON.readTree(ok.out()).path("preprocessing").path("n_rows").asInt()).isEqualTo(2);
    }

    @Test
    void aFileThatIsNotUtf8IsOneLine() throws IOException {
        Path csv = dir.resolve("latin1.csv");
        Files.write(csv, "timestamp_utc,glucose_mg_dl\n2024-03-04T00:03:17Z,122 \u00b5\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        CommandRun r = run("analyze", csv.toString());

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("mqcgm: " + csv + ": not a UTF-8 text file" + System.lineSeparator());
    }

    private Path write(String content) throws IOException {
        Path p = Files.createTempFile(dir, "cgm", ".csv");
        Files.writeString(p, content);
        return p;
    }

    /**
     * Compares every leaf with the spec's tolerances: 1e-6 absolute for the AGP and the grid-based variability
     * (CONGA, MODD, MAGE), 1e-9 relative (or absolute near zero) for everything else, which makes counts exact.
     * Key order and sets must match.
     */
    static void compare(String path, JsonNode e, JsonNode a, List<String> mismatches) {
        if (e.isObject()) {
            List<String> ek = new ArrayList<>();
            e.fieldNames().forEachRemaining(ek::add);
            List<String> ak = new ArrayList<>();
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                ak.add(it.next());
            }
            if (!ek.equals(ak)) {
                mismatches.add(path + ": keys " + ak + " != expected " + ek);
                return;
            }
            for (String k : ek) {
                compare(path.isEmpty() ? k : path + "." + k, e.get(k), a.get(k), mismatches);
            }
        } else if (e.isArray()) {
            if (!a.isArray() || a.size() != e.size()) {
                mismatches.add(path + ": array of " + a.size() + " != expected " + e.size());
                return;
            }
            for (int i = 0; i < e.size(); i++) {
                compare(path + "[" + i + "]", e.get(i), a.get(i), mismatches);
            }
        } else if (e.isNumber()) {
            double ev = e.asDouble();
            double av = a.asDouble();
            double tol = path.startsWith("agp.") || path.startsWith("variability.") ? 1e-6
                    : 1e-9 * Math.max(1, Math.abs(ev));
            if (!a.isNumber() || Math.abs(av - ev) > tol) {
                mismatches.add(path + ": " + a + " != expected " + e);
            }
        } else if (!e.equals(a)) {
            mismatches.add(path + ": " + a + " != expected " + e);
        }
    }
}
