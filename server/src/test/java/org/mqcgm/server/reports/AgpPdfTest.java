package org.mqcgm.server.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The one-page PDF: its text (extracted with PDFBox) carries the report API's numbers, and the page rendered to PNG
 * with poppler's pdftoppm is not blank; in English and Simplified Chinese. The demo-like reports are kept in
 * {@code target/reports/} (the examples in docs/img come from there).
 */
class AgpPdfTest {

    static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final Path OUT = Path.of("target", "reports");

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.fixed(NOW, ZoneOffset.UTC));

    static ReportFixtures.User user;

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(OUT);
        user = ReportFixtures.user(app, "pdf@example.org", ZONE.getId());
        // 28 days of the demo's simulated wearer, every 5 minutes: this period and the previous one.
        GlucoseTrace trace = new GlucoseTrace(7, ZONE);
        Instant end = Instant.ofEpochSecond(NOW.getEpochSecond() / 300 * 300);
        StringBuilder body = new StringBuilder("[");
        for (long i = 28L * 288; i >= 0; i--) {
            Instant t = end.minusSeconds(300 * i);
            body.append(body.length() > 1 ? "," : "").append("{\"time\":\"").append(t.atZone(ZONE).toOffsetDateTime())
                    .append("\",\"mgdl\":").append(trace.mgdlAt(t)).append('}');
        }
        body.append(']');
        assertThat(new Http(app.url()).postJson("/api/v1/readings", body.toString(),
                "Authorization", "Bearer " + user.token()).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<byte[]> pdf(String query) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.url()
                        + "/api/v1/reports/agp.pdf?" + query)).header("Authorization", "Bearer " + user.token()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Renders page 1 to PNG at 60 dpi and returns the share of pixels that are not (nearly) white. */
    static double inkShare(Path pdf) throws Exception {
        Path prefix = pdf.resolveSibling(pdf.getFileName().toString().replace(".pdf", ""));
        Process p = new ProcessBuilder("pdftoppm", "-png", "-r", "60", "-singlefile", pdf.toString(), prefix.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("pdftoppm finished").isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        BufferedImage png = ImageIO.read(prefix.resolveSibling(prefix.getFileName() + ".png").toFile());
        long ink = 0;
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                int rgb = png.getRGB(x, y);
                if (((rgb >> 16) & 0xff) < 235 || ((rgb >> 8) & 0xff) < 235 || (rgb & 0xff) < 235) {
                    ink++;
                }
            }
        }
        return (double) ink / ((long) png.getWidth() * png.getHeight());
    }

    private static String pdfTextWithoutSpaces(String lang) throws Exception {
        HttpResponse<byte[]> r = pdf("lang=" + lang);
        assertThat(r.statusCode()).isEqualTo(200);
        try (PDDocument doc = Loader.loadPDF(r.body())) {
            // the 6 pt footer wraps wherever the line ends: compare without white space
            return new PDFTextStripper().getText(doc).replaceAll("[\\s\u00a0]+", "");
        }
    }

    @Test
    void theFooterIsInThePdfsLanguage() throws Exception {
        String zh = pdfTextWithoutSpaces("zh-CN");
        assertThat(zh).contains("指标算法：mqcgm-metrics/1.0（与参考实现一致）。报告规则：mqcgm-report/1.0（AGP：1小时三角平滑，"
                + "跨午夜衔接；数据满14天且有效佩戴时间不少于70%时显示曲线）。");
        assertThat(zh).doesNotContain("oracle-compatible").doesNotContain("smoothing").doesNotContain("Metrics:");
        // In English the footer reads exactly as the version strings stored with the report.
        String en = pdfTextWithoutSpaces("en");
        assertThat(en).contains(("Metrics: " + org.mqcgm.core.metrics.CgmAnalysis.ALGORITHM_VERSION + ". Report rules: "
                + Reports.REPORT_VERSION + ".").replaceAll("\\s+", ""));
    }

    @Tag("PR-20")
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en", "zh-CN"})
    void theOnePagePdfShowsTheReportApisNumbersAndIsNotBlank(String lang) throws Exception {
        HttpResponse<byte[]> r = pdf("lang=" + lang);
        JsonNode api = ReportFixtures.json(new Http(app.url()).get("/api/v1/reports",
                "Authorization", "Bearer " + user.token()));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(r.headers().firstValue("Content-Disposition"))
                .hasValue("inline; filename=\"agp-report-2026-11-13-2026-11-26.pdf\"");
        Path file = OUT.resolve("agp-report-" + lang + ".pdf");
        Files.write(file, r.body());
        String text;
        try (PDDocument doc = Loader.loadPDF(r.body())) {
            assertThat(doc.getNumberOfPages()).isEqualTo(1);
            text = new PDFTextStripper().getText(doc).replace('\u00a0', ' ');
            PDFont font = doc.getPage(0).getResources().getFont(doc.getPage(0).getResources().getFontNames()
                    .iterator().next());
            assertThat(font.getName()).endsWith("WenQuanYiMicroHei");
        }
        JsonNode m = api.path("metrics");
        JsonNode t = m.path("timeInRanges");
        assertThat(text)
                .contains(pct(t.path("inRangePercent").asDouble()) + " %")
                .contains(pct(t.path("belowRangePercent").asDouble()))
                .contains(pct(t.path("veryHighPercent").asDouble()) + " %")
                .contains(String.format(Locale.ROOT, "%.0f mg/dL", m.path("meanMgdl").asDouble()))
                .contains(pct(m.path("gmiPercent").asDouble()) + " %")
                .contains(pct(m.path("cvPercent").asDouble()) + " %")
                .contains(pct(api.path("sufficiency").path("activePercent").asDouble()) + " %")
                .contains("2026-11-13 – 2026-11-26")
                .contains(ReportView.versionId(api.path("algorithmVersion").asText())); // its description translated
        assertThat(text).contains(lang.equals("en") ? "Ambulatory glucose profile" : "动态葡萄糖图谱");
        assertThat(inkShare(file)).as("share of non-white pixels").isGreaterThan(0.08);
    }

    @Test
    void ninetyDaysStillFitOnePageWithTheLastFourteenDailyProfiles() throws Exception {
        HttpResponse<byte[]> r = pdf("from=2026-08-29&to=2026-11-26");

        assertThat(r.statusCode()).isEqualTo(200);
        try (PDDocument doc = Loader.loadPDF(r.body())) {
            assertThat(doc.getNumberOfPages()).isEqualTo(1);
            assertThat(new PDFTextStripper().getText(doc)).contains("The last 14 days of the period.")
                    .contains("11-26").doesNotContain("11-12 ");
        }
    }

    @Test
    void aPeriodWithoutReadingsIsStillAOnePageReportSayingSo() throws Exception {
        HttpResponse<byte[]> r = pdf("from=2025-01-01&to=2025-01-14");

        assertThat(r.statusCode()).isEqualTo(200);
        try (PDDocument doc = Loader.loadPDF(r.body())) {
            assertThat(doc.getNumberOfPages()).isEqualTo(1);
            assertThat(new PDFTextStripper().getText(doc)).contains("There are no readings in this period.")
                    .contains("Not enough data to draw the AGP curves.");
        }
    }

    @Test
    void anUnknownLanguageIsAProblemNamingTheField() throws Exception {
        HttpResponse<byte[]> r = pdf("lang=fr");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode problem = ReportFixtures.JSON.readTree(r.body());
        assertThat(problem.path("errors").get(0).path("field").asText()).isEqualTo("lang");
    }

    @Test
    void aMissingFontIsAClearProblemNotACrash() {
        AgpPdf pdf = new AgpPdf(Path.of("/nonexistent/wqy-microhei.ttc"));
        Messages msg = Messages.of(Language.EN);
        ReportPeriod period = new ReportPeriod(ZONE, NOW.atZone(ZONE).minusDays(14), NOW.atZone(ZONE), false);
        Report report = Reports.compute(java.util.UUID.randomUUID(), NOW, period, Population.T1D_T2D,
                java.util.List.of(), java.util.List.of());
        ReportView view = ReportView.of(report, msg, GlucoseUnit.MG_DL, new ReportCharts(true), AgpPdf.MAX_DAYS);

        assertThat(pdf.fontAvailable()).isFalse();
        assertThatThrownBy(() -> pdf.render(view, new PageContext(msg, "", GlucoseUnit.MG_DL, null, "/"), "now"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(503);
                    assertThat(e.problem().detail()).contains("fonts-wqy-microhei");
                });
    }
}
