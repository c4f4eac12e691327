package org.mqcgm.server.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mqcgm.server.reports.ReportFixtures.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mqcgm.core.metrics.CgmAnalysis;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** {@code GET /api/v1/reports} over real HTTP against the real database, at a fixed data clock. */
class ReportsApiTest {

    /** Four days after the shared vectors end (they cover 2024-03-04 to 2024-03-17 UTC). */
    static final Instant NOW = Instant.parse("2024-03-21T10:00:00Z");
    static final String VECTOR_PERIOD = "from=2024-03-04&to=2024-03-17";

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.fixed(NOW, ZoneOffset.UTC));

    private static HttpResponse<String> get(ReportFixtures.User user, String query) {
        return new Http(app.url()).get("/api/v1/reports" + (query.isEmpty() ? "" : "?" + query),
                "Authorization", "Bearer " + user.token());
    }

    @Tag("PR-20")
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"c1_t1d_5min", "c2_t2d_5min", "c3_normal_5min", "c4_hypo_5min"})
    void reportValuesMatchTheReferenceImplementationOnTheSharedVectors(String name) {
        ReportFixtures.Vector v = ReportFixtures.vector(name);
        ReportFixtures.User user = ReportFixtures.user(app, name + "@example.org", "UTC");
        ReportFixtures.upload(app, user, v, Duration.ZERO);

        HttpResponse<String> r = get(user, VECTOR_PERIOD);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode report = json(r);
        JsonNode e = v.expected().path("metrics");
        JsonNode m = report.path("metrics");
        Map<String, String> same = Map.ofEntries(
                Map.entry("mean_mg_dl", "meanMgdl"), Map.entry("median_mg_dl", "medianMgdl"),
                Map.entry("sd_mg_dl", "sdMgdl"), Map.entry("cv_percent", "cvPercent"),
                Map.entry("gmi_percent", "gmiPercent"), Map.entry("gmi_mmol_mol", "gmiMmolMol"),
                Map.entry("ea1c_percent", "ea1cPercent"), Map.entry("j_index", "jIndex"),
                Map.entry("lbgi", "lbgi"), Map.entry("hbgi", "hbgi"), Map.entry("adrr", "adrr"),
                Map.entry("min_mg_dl", "minMgdl"), Map.entry("max_mg_dl", "maxMgdl"));
        same.forEach((oracle, ours) -> assertThat(m.path(ours).asDouble()).as(ours)
                .isCloseTo(e.path(oracle).asDouble(), within(1e-9 * Math.max(1, Math.abs(e.path(oracle).asDouble())))));
        assertThat(m.path("readings").asInt()).isEqualTo(e.path("n_readings").asInt());
        Map<String, String> ranges = Map.of("tbr_lt54", "veryLowPercent", "tbr_54_69", "lowPercent",
                "tbr_lt70", "belowRangePercent", "tir_70_180", "inRangePercent", "titr_70_140", "tightRangePercent",
                "tar_181_250", "highPercent", "tar_gt250", "veryHighPercent", "tar_gt180", "aboveRangePercent");
        ranges.forEach((oracle, ours) -> assertThat(m.path("timeInRanges").path(ours).asDouble()).as(ours)
                .isCloseTo(e.path(oracle).asDouble(), within(1e-9)));
        assertThat(m.path("gri").path("value").asDouble()).isCloseTo(e.path("gri").asDouble(), within(1e-9));
        JsonNode var = v.expected().path("variability");
        assertThat(m.path("conga1Mgdl").asDouble()).isCloseTo(var.path("conga1").asDouble(), within(1e-6));
        assertThat(m.path("moddMgdl").asDouble()).isCloseTo(var.path("modd").asDouble(), within(1e-6));
        if (var.path("mage_ma").isNumber()) {
            assertThat(m.path("mageMgdl").asDouble()).isCloseTo(var.path("mage_ma").asDouble(), within(1e-6));
        }
        // The AGP reference: the unsmoothed grid percentiles, bin by bin.
        JsonNode grid = report.path("agp").path("grid");
        JsonNode eg = v.expected().path("agp").path("grid");
        for (String p : List.of("p05", "p25", "p50", "p75", "p95")) {
            assertThat(grid.path(p).size()).isEqualTo(eg.path(p).size()).isEqualTo(288);
            for (int i = 0; i < eg.path(p).size(); i++) {
                assertThat(grid.path(p).get(i).asDouble()).as(p + "[" + i + "]")
                        .isCloseTo(eg.path(p).get(i).asDouble(), within(1e-6));
            }
        }
        // Episodes and daily summaries (UTC days, as the oracle).
        JsonNode ee = v.expected().path("episodes");
        JsonNode se = report.path("episodes").path("summary");
        assertThat(se.path("hypoLevel1").path("count").asInt()).isEqualTo(ee.path("lv1_hypo").path("count").asInt());
        assertThat(se.path("hypoLevel2").path("count").asInt()).isEqualTo(ee.path("lv2_hypo").path("count").asInt());
        assertThat(se.path("hyperLevel1").path("count").asInt()).isEqualTo(ee.path("lv1_hyper").path("count").asInt());
        assertThat(se.path("hyperLevel2").path("count").asInt()).isEqualTo(ee.path("lv2_hyper").path("count").asInt());
        assertThat(se.path("hypoExtended").path("count").asInt()).isEqualTo(ee.path("ext_hypo").path("count").asInt());
        assertThat(report.path("episodes").path("list").size())
                .isEqualTo(ee.path("lv1_hypo").path("count").asInt() + ee.path("lv1_hyper").path("count").asInt());
        JsonNode daily = report.path("daily");
        assertThat(daily.size()).isEqualTo(14);
        for (int i = 0; i < 14; i++) {
            JsonNode d = daily.get(i);
            JsonNode ed = v.expected().path("daily").get(i);
            assertThat(d.path("date").asText()).isEqualTo(ed.path("date").asText());
            assertThat(d.path("readings").asInt()).isEqualTo(ed.path("n").asInt());
            assertThat(d.path("meanMgdl").asDouble()).isCloseTo(ed.path("mean").asDouble(), within(1e-9));
            assertThat(d.path("inRangePercent").asDouble()).isCloseTo(ed.path("tir_70_180").asDouble(), within(1e-9));
            assertThat(d.path("profile").path("mgdl").size()).isEqualTo(ed.path("n").asInt());
        }
    }

    @Tag("PR-20")
    @Tag("PR-72")
    @Test
    void everyReportCarriesAndStoresTheAlgorithmVersion() {
        ReportFixtures.User user = ReportFixtures.user(app, "version@example.org", "UTC");
        ReportFixtures.upload(app, user, ReportFixtures.vector("c3_normal_5min"), Duration.ZERO);

        JsonNode report = json(get(user, VECTOR_PERIOD + "&population=older-high-risk"));

        assertThat(report.path("algorithmVersion").asText()).isEqualTo(CgmAnalysis.ALGORITHM_VERSION);
        assertThat(report.path("reportVersion").asText()).isEqualTo(Reports.REPORT_VERSION);
        List<Map<String, Object>> rows = app.sql().withHandle(h -> h.createQuery(
                        "select id::text, format, population, readings, algorithm_version, report_version, time_zone,"
                                + " period_from, period_to from report_log where owner_id = :owner")
                .bind("owner", user.id()).mapToMap().list());
        assertThat(rows).hasSize(1);
        Map<String, Object> row = rows.get(0);
        assertThat(row).containsEntry("id", report.path("reportId").asText())
                .containsEntry("format", "json")
                .containsEntry("population", "older-high-risk")
                .containsEntry("readings", 4032)
                .containsEntry("algorithm_version", CgmAnalysis.ALGORITHM_VERSION)
                .containsEntry("report_version", Reports.REPORT_VERSION)
                .containsEntry("time_zone", "UTC");
        assertThat(row.get("period_from").toString()).startsWith("2024-03-04 00:00:00");
        assertThat(row.get("period_to").toString()).startsWith("2024-03-18 00:00:00");
    }

    @Test
    void targetsAreJudgedForTheChosenPopulation() {
        ReportFixtures.Vector v = ReportFixtures.vector("c1_t1d_5min");
        ReportFixtures.User user = ReportFixtures.user(app, "targets@example.org", "UTC");
        ReportFixtures.upload(app, user, v, Duration.ZERO);
        JsonNode e = v.expected().path("metrics");

        JsonNode t1d = json(get(user, VECTOR_PERIOD)).path("targets");
        assertThat(t1d).extracting(n -> n.path("id").asText())
                .containsExactly("inRange", "belowRange", "veryLow", "aboveRange", "veryHigh", "cv");
        // c1: TIR 70.7 % > 70 met; TBR<54 2.8 % not < 1; TAR>250 9.1 % not < 5; CV 35.2 % <= 36 met.
        assertThat(t1d.get(0).path("valuePercent").asDouble()).isCloseTo(e.path("tir_70_180").asDouble(), within(1e-9));
        assertThat(t1d).extracting(n -> n.path("met").asBoolean()).containsExactly(true, true, false, false, false, true);
        assertThat(t1d.get(5).path("comparison").asText()).isEqualTo("≤");

        JsonNode older = json(get(user, VECTOR_PERIOD + "&population=older-high-risk")).path("targets");
        assertThat(older).extracting(n -> n.path("id").asText()).containsExactly("inRange", "belowRange", "veryHigh", "cv");
        assertThat(older.get(0).path("limitPercent").asDouble()).isEqualTo(50);
        assertThat(older.get(2).path("limitPercent").asDouble()).isEqualTo(10);

        JsonNode pregnancy = json(get(user, VECTOR_PERIOD + "&population=pregnancy")).path("targets");
        long in63to140 = v.rows().stream().mapToInt(r -> Integer.parseInt(r[1])).filter(g -> g >= 63 && g <= 140).count();
        long below63 = v.rows().stream().mapToInt(r -> Integer.parseInt(r[1])).filter(g -> g < 63).count();
        assertThat(pregnancy.get(0).path("lowMgdl").asInt()).isEqualTo(63);
        assertThat(pregnancy.get(0).path("highMgdl").asInt()).isEqualTo(140);
        assertThat(pregnancy.get(0).path("valuePercent").asDouble()).isCloseTo(100.0 * in63to140 / 4032, within(1e-9));
        assertThat(pregnancy.get(1).path("valuePercent").asDouble()).isCloseTo(100.0 * below63 / 4032, within(1e-9));
    }

    @Test
    void theDefaultPeriodIsTheLast14LocalDaysEndingNowInTheUsersZone() {
        ReportFixtures.User user = ReportFixtures.user(app, "default@example.org", "Asia/Shanghai");

        JsonNode report = json(get(user, ""));

        // NOW is 2024-03-21 18:00 in Shanghai: today and the 13 days before.
        JsonNode p = report.path("period");
        assertThat(p.path("from").asText()).isEqualTo("2024-03-08T00:00:00+08:00");
        assertThat(p.path("to").asText()).isEqualTo("2024-03-22T00:00:00+08:00");
        assertThat(p.path("firstDay").asText()).isEqualTo("2024-03-08");
        assertThat(p.path("lastDay").asText()).isEqualTo("2024-03-21");
        assertThat(p.path("days").asDouble()).isEqualTo(14);
        assertThat(report.path("population").asText()).isEqualTo("t1d-t2d");
        JsonNode prev = report.path("comparison").path("period");
        assertThat(prev.path("from").asText()).isEqualTo("2024-02-23T00:00:00+08:00");
        assertThat(prev.path("to").asText()).isEqualTo("2024-03-08T00:00:00+08:00");
    }

    @Test
    void aPeriodWithoutReadingsHasNoMetricsAndNoCurves() {
        ReportFixtures.User user = ReportFixtures.user(app, "empty@example.org", "Europe/Berlin");

        JsonNode report = json(get(user, "from=2024-03-01&to=2024-03-14"));

        assertThat(report.path("metrics").isNull()).isTrue();
        assertThat(report.path("targets")).isEmpty();
        assertThat(report.path("sufficiency").path("readings").asInt()).isZero();
        assertThat(report.path("sufficiency").path("activePercent").asDouble()).isZero();
        assertThat(report.path("agp").path("curvesShown").asBoolean()).isFalse();
        assertThat(report.path("daily")).hasSize(14).allMatch(d -> d.path("readings").asInt() == 0);
        assertThat(report.path("comparison").path("metrics").isNull()).isTrue();
    }

    @Test
    void theComparisonIsWithThePreviousPeriodOfEqualLength() {
        ReportFixtures.User user = ReportFixtures.user(app, "compare@example.org", "UTC");
        ReportFixtures.Vector now = ReportFixtures.vector("c1_t1d_5min");
        ReportFixtures.Vector before = ReportFixtures.vector("c2_t2d_5min");
        ReportFixtures.upload(app, user, now, Duration.ZERO);
        ReportFixtures.upload(app, user, before, Duration.ofDays(-14));

        JsonNode report = json(get(user, VECTOR_PERIOD));

        JsonNode c = report.path("comparison");
        assertThat(c.path("period").path("firstDay").asText()).isEqualTo("2024-02-19");
        assertThat(c.path("period").path("lastDay").asText()).isEqualTo("2024-03-03");
        double tirNow = now.expected().path("metrics").path("tir_70_180").asDouble();
        double tirBefore = before.expected().path("metrics").path("tir_70_180").asDouble();
        assertThat(c.path("metrics").path("timeInRanges").path("inRangePercent").asDouble())
                .isCloseTo(tirBefore, within(1e-9));
        assertThat(c.path("change").path("inRangePercent").asDouble()).isCloseTo(tirNow - tirBefore, within(1e-9));
        assertThat(c.path("sufficiency").path("readings").asInt()).isEqualTo(4032);
        // The current period is complete: 14 days, 100 % active, so the AGP curves are drawn.
        assertThat(report.path("sufficiency").path("activePercent").asDouble()).isEqualTo(100);
        assertThat(report.path("sufficiency").path("meetsConsensus").asBoolean()).isTrue();
        assertThat(report.path("agp").path("curvesShown").asBoolean()).isTrue();
    }

    @Test
    void badParametersAreProblemsNamingTheField() {
        ReportFixtures.User user = ReportFixtures.user(app, "bad@example.org", "UTC");
        Map<String, String> cases = Map.of(
                "from=2024-02-30", "from:format",
                "to=yesterday", "to:format",
                "from=2024-03-10&to=2024-03-09", "from:before-to",
                "from=2024-03-10T00:00:00Z&to=2024-03-10T00:00:00Z", "from:before-to",
                "from=2023-01-01&to=2024-03-01", "to:max-range",
                "population=children", "population:enum");
        cases.forEach((query, fieldRule) -> {
            HttpResponse<String> r = get(user, query);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).as(query).hasValue("application/problem+json");
            JsonNode error = json(r).path("errors").get(0);
            assertThat(error.path("field").asText() + ":" + error.path("rule").asText()).as(query).isEqualTo(fieldRule);
        });
        // 90 days is the most a report covers.
        assertThat(get(user, "from=2024-01-01&to=2024-03-30").statusCode()).isEqualTo(200);
        assertThat(get(user, "from=2024-01-01&to=2024-03-31").statusCode()).isEqualTo(400);
    }

    @Test
    void needsReadingsReadScopeOrASession() {
        String writeOnly = app.newUserToken("writer@example.org", Scope.READINGS_WRITE);
        assertThat(new Http(app.url()).get("/api/v1/reports").statusCode()).isEqualTo(401);
        assertThat(new Http(app.url()).get("/api/v1/reports", "Authorization", "Bearer " + writeOnly).statusCode())
                .isEqualTo(403);

        app.newUser("session@example.org", org.mqcgm.server.testing.TestApp.PASSWORD);
        Http browser = new Http(app.url());
        assertThat(browser.postForm("/login", Map.of("identifier", "session@example.org",
                "password", org.mqcgm.server.testing.TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        HttpResponse<String> r = browser.get("/api/v1/reports");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("algorithmVersion").asText()).isEqualTo(CgmAnalysis.ALGORITHM_VERSION);
    }
}
