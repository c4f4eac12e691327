package org.mqcgm.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds {@code target/traceability.md}: for every requirement row of {@code docs/spec/privacy-requirements.md},
 * the tests tagged with its id, their outcome, and whether the row is covered. Run by the test command after the
 * build: {@code java -cp testkit/target/classes org.mqcgm.testkit.TraceabilityReport <repo-root>}.
 * Exits with status 1 when a tagged test did not pass.
 *
 * <p>A tag alone is not coverage. The matrix's last column lists the row's acceptance points, each marked
 * {@code ✔} (asserted by a tagged test) or {@code ✘} (still missing), separated by {@code <br>}. A row is
 * <em>covered</em> when it has tagged tests and its acceptance points are listed with none missing;
 * <em>partial</em> when it has tagged tests but a point is missing (or its points were never listed);
 * <em>none</em> when no test is tagged with it.
 */
public final class TraceabilityReport {

    static final String TESTED = "✔";
    static final String MISSING = "✘";
    private static final Pattern CELL = Pattern.compile("(?<!\\\\)\\|");
    private static final Pattern ID = Pattern.compile("PR-\\d{2}");

    private TraceabilityReport() {
    }

    /** How far the tagged tests prove a row. */
    enum Coverage {
        COVERED, PARTIAL, NONE
    }

    /**
     * One row of the matrix.
     *
     * @param points  its acceptance points as listed in the status column (empty: not listed)
     * @param missing the points marked missing
     */
    record Requirement(String id, String quote, List<String> points, List<String> missing) {
    }

    /** One tagged test's outcome: JUnit's status, the module and {@code Class#method}. */
    record Result(String status, String module, String test) {
        boolean passed() {
            return status.equals("SUCCESSFUL");
        }
    }

    /** The counts the report prints. */
    record Counts(long covered, long partial, long none, int rows) {
        @Override
        public String toString() {
            return "covered " + covered + ", partial " + partial + ", none " + none + " of " + rows;
        }
    }

    /** The requirement rows of the matrix, by id. */
    static Map<String, Requirement> parseMatrix(List<String> lines) {
        Map<String, Requirement> rows = new TreeMap<>();
        for (String line : lines) {
            if (!line.startsWith("| PR-")) {
                continue;
            }
            String[] cells = CELL.split(line, -1); // "", id, quote, data, behaviour, acceptance, status?, ""
            String id = cells[1].trim();
            if (!ID.matcher(id).matches()) {
                continue;
            }
            String quote = cells.length > 2 ? cells[2].trim() : "";
            List<String> points = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            if (cells.length > 7) {
                for (String item : cells[6].split("<br>")) {
                    String p = item.trim();
                    if (p.startsWith(TESTED)) {
                        points.add(p.substring(TESTED.length()).trim());
                    } else if (p.startsWith(MISSING)) {
                        String text = p.substring(MISSING.length()).trim();
                        points.add(text);
                        missing.add(text);
                    }
                }
            }
            rows.put(id, new Requirement(id, quote, List.copyOf(points), List.copyOf(missing)));
        }
        return rows;
    }

    static Coverage coverage(Requirement row, List<Result> tests) {
        if (tests.isEmpty()) {
            return Coverage.NONE;
        }
        return !row.points().isEmpty() && row.missing().isEmpty() ? Coverage.COVERED : Coverage.PARTIAL;
    }

    static Counts counts(Map<String, Requirement> rows, Map<String, List<Result>> results) {
        long covered = 0;
        long partial = 0;
        long none = 0;
        for (Requirement r : rows.values()) {
            switch (coverage(r, results.getOrDefault(r.id(), List.of()))) {
                case COVERED -> covered++;
                case PARTIAL -> partial++;
                case NONE -> none++;
            }
        }
        return new Counts(covered, partial, none, rows.size());
    }

    /** What a partial or uncovered row still needs, for the report. */
    static String missingText(Requirement row, Coverage coverage) {
        if (coverage == Coverage.COVERED) {
            return "";
        }
        if (!row.missing().isEmpty()) {
            return String.join("<br>", row.missing());
        }
        return row.points().isEmpty() ? "acceptance points not yet reviewed" : "";
    }

    static String render(Map<String, Requirement> rows, Map<String, List<Result>> results) {
        Counts counts = counts(rows, results);
        StringBuilder out = new StringBuilder();
        out.append("# Privacy requirement traceability\n\n")
                .append("Generated by the test command from `@Tag(\"PR-xx\")` on tests; rows and their acceptance ")
                .append("points from `docs/spec/privacy-requirements.md`. A row is *covered* only when every ")
                .append("acceptance point has a tagged test; *partial* rows have tests and say what is missing.\n\n");
        out.append("Requirements: **").append(counts).append("**.\n\n");
        out.append("| Requirement | Policy | Coverage | Missing | Tests | Outcome |\n|---|---|---|---|---|---|\n");
        for (Requirement req : rows.values()) {
            List<Result> tests = results.getOrDefault(req.id(), List.of());
            Coverage coverage = coverage(req, tests);
            long passed = tests.stream().filter(Result::passed).count();
            String outcome = tests.isEmpty() ? "—" : passed == tests.size() ? "pass"
                    : "FAIL (" + (tests.size() - passed) + " of " + tests.size() + ")";
            // One line per test method; dynamic and parameterized cases are counted, not listed.
            Map<String, Integer> cases = new LinkedHashMap<>();
            for (Result t : tests) {
                cases.merge(t.module() + ": " + t.test(), 1, Integer::sum);
            }
            StringBuilder names = new StringBuilder();
            for (Map.Entry<String, Integer> c : cases.entrySet()) {
                names.append(names.isEmpty() ? "" : "<br>").append('`').append(c.getKey().replace("|", "\\|"))
                        .append('`').append(c.getValue() > 1 ? " (" + c.getValue() + " cases)" : "");
            }
            String quote = req.quote().length() > 90 ? req.quote().substring(0, 87) + "…" : req.quote();
            out.append("| ").append(req.id()).append(" | ").append(quote.replace("|", "\\|"))
                    .append(" | ").append(coverage.name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | ").append(missingText(req, coverage).replace("|", "\\|"))
                    .append(" | ").append(names).append(" | ").append(outcome).append(" |\n");
        }
        return out.toString();
    }

    static boolean anyFailed(Map<String, List<Result>> results) {
        return results.values().stream().flatMap(List::stream).anyMatch(r -> !r.passed());
    }

    /** The tagged tests' outcomes recorded by {@link TraceabilityListener} under every module's target. */
    static Map<String, List<Result>> readResults(Path root) throws IOException {
        Map<String, List<Result>> results = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root, 4)) {
            for (Path f : files.filter(p -> p.getParent() != null && p.getParent().endsWith("target/traceability")
                    && p.getFileName().toString().endsWith(".tsv")).sorted().toList()) {
                String module = root.relativize(f).getName(0).toString();
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    String[] parts = line.split("\t", 3);
                    if (parts.length == 3) {
                        results.computeIfAbsent(parts[0], k -> new ArrayList<>())
                                .add(new Result(parts[1], module, parts[2]));
                    }
                }
            }
        }
        return results;
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Map<String, Requirement> rows = parseMatrix(
                Files.readAllLines(root.resolve("docs/spec/privacy-requirements.md"), StandardCharsets.UTF_8));
        Map<String, List<Result>> results = readResults(root);
        Path target = root.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("traceability.md"), render(rows, results), StandardCharsets.UTF_8);
        System.out.println("traceability: " + counts(rows, results) + " requirements (covered: every acceptance "
                + "point has a tagged test); report in target/traceability.md");
        if (anyFailed(results)) {
            System.err.println("traceability: a requirement-tagged test did not pass");
            System.exit(1);
        }
    }
}
