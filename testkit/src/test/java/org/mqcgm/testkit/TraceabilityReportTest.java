package org.mqcgm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mqcgm.testkit.TraceabilityReport.Coverage;
import org.mqcgm.testkit.TraceabilityReport.Requirement;
import org.mqcgm.testkit.TraceabilityReport.Result;

/** A tag is not coverage: a row is covered only when every acceptance point listed next to it has a test. */
class TraceabilityReportTest {

    static final List<String> MATRIX = List.of(
            "| ID | Policy § + quote | Data | System behaviour | Acceptance test | Tested / missing |",
            "|---|---|---|---|---|---|",
            "| PR-01 | Preamble: \"read\" | CON | Registration … | Without field → 422. Old hash → 409. | "
                    + "✔ without field → 422<br>✔ old hash → 409 |",
            "| PR-02 | Ⅰ.1: \"least\" | all | Record of processing | CI job fails. `a \\| b` → listed. | "
                    + "✔ CI job fails<br>✘ every column listed with purpose |",
            "| PR-03 | Ⅰ.1: \"only\" | all | Purpose-bound access | MARKETING → exception. |  |",
            "| PR-04 | Ⅳ.2: \"irrelevant\" | all | Closed schemas | imei → 400. | ✔ imei → 400 |",
            "| PR-05 | Ⅰ.1: \"choose\" | all | Degradation | Deny Bluetooth → works. |",
            "Row count: **5**.");

    static Result passed(String test) {
        return new Result("SUCCESSFUL", "server", test);
    }

    @Test
    void theMatrixRowsCarryTheirAcceptancePointsAndWhatIsMissing() {
        Map<String, Requirement> rows = TraceabilityReport.parseMatrix(MATRIX);

        assertThat(rows).containsOnlyKeys("PR-01", "PR-02", "PR-03", "PR-04", "PR-05");
        assertThat(rows.get("PR-01").points()).containsExactly("without field → 422", "old hash → 409");
        assertThat(rows.get("PR-01").missing()).isEmpty();
        assertThat(rows.get("PR-02").points()).containsExactly("CI job fails", "every column listed with purpose");
        assertThat(rows.get("PR-02").missing()).containsExactly("every column listed with purpose");
        assertThat(rows.get("PR-03").points()).isEmpty(); // an empty status cell
        assertThat(rows.get("PR-05").points()).isEmpty(); // no status cell at all
        assertThat(rows.get("PR-01").quote()).isEqualTo("Preamble: \"read\"");
    }

    @Test
    void coveredOnlyWhenEveryPointIsTestedPartialWhenSomethingIsMissingNoneWithoutTests() {
        Map<String, Requirement> rows = TraceabilityReport.parseMatrix(MATRIX);
        Map<String, List<Result>> results = Map.of(
                "PR-01", List.of(passed("A#a")),
                "PR-02", List.of(passed("B#b"), passed("B#c")),
                "PR-03", List.of(passed("C#c")));

        assertThat(TraceabilityReport.coverage(rows.get("PR-01"), results.get("PR-01"))).isEqualTo(Coverage.COVERED);
        // tests, but a point is missing
        assertThat(TraceabilityReport.coverage(rows.get("PR-02"), results.get("PR-02"))).isEqualTo(Coverage.PARTIAL);
        // tests, but nobody listed the points they should prove
        assertThat(TraceabilityReport.coverage(rows.get("PR-03"), results.get("PR-03"))).isEqualTo(Coverage.PARTIAL);
        // every point marked tested, but no tagged test ran: not covered
        assertThat(TraceabilityReport.coverage(rows.get("PR-04"), List.of())).isEqualTo(Coverage.NONE);
        assertThat(TraceabilityReport.coverage(rows.get("PR-05"), List.of())).isEqualTo(Coverage.NONE);

        TraceabilityReport.Counts counts = TraceabilityReport.counts(rows, results);
        assertThat(counts.toString()).isEqualTo("covered 1, partial 2, none 2 of 5");
    }

    @Test
    void theReportPrintsBothCountsAndWhatEachPartialRowMisses() {
        Map<String, Requirement> rows = TraceabilityReport.parseMatrix(MATRIX);
        String report = TraceabilityReport.render(rows, Map.of(
                "PR-01", List.of(passed("A#a")),
                "PR-02", List.of(passed("B#b"), new Result("FAILED", "cli", "B#c")),
                "PR-03", List.of(passed("C#c"))));

        assertThat(report).contains("Requirements: **covered 1, partial 2, none 2 of 5**.");
        assertThat(report).contains("| PR-01 | Preamble: \"read\" | covered |  | `server: A#a` | pass |");
        assertThat(report).contains("| PR-02 | Ⅰ.1: \"least\" | partial | every column listed with purpose | "
                + "`server: B#b`<br>`cli: B#c` | FAIL (1 of 2) |");
        assertThat(report).contains("| PR-03 | Ⅰ.1: \"only\" | partial | acceptance points not yet reviewed |");
        assertThat(report).contains("| PR-04 | Ⅳ.2: \"irrelevant\" | none |  |  | — |");
    }

    @Test
    void theRepositorysMatrixHasNinetyRowsAndPr65IsNotFullyCoveredYet() throws IOException {
        Path matrix = Path.of("..", "docs", "spec", "privacy-requirements.md");
        Map<String, Requirement> rows = TraceabilityReport.parseMatrix(Files.readAllLines(matrix,
                StandardCharsets.UTF_8));
        assertThat(rows).hasSize(90);
        // Cancellation destroys the key and restores replay the ledger (issue 11); the 35-day backup catalogue is
        // still missing.
        assertThat(rows.get("PR-65").missing()).singleElement().satisfies(m -> assertThat(m).contains("35 days"));
    }
}
