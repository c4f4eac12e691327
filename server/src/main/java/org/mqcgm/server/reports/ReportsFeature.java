package org.mqcgm.server.reports;

import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.marks.CheckinMarks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reports feature: consensus CGM metrics and the AGP report as JSON, a web page and a one-page PDF, each
 * recorded in the report log with its algorithm version. It reads glucose only through a {@link Reports.ReadingSource}.
 */
public final class ReportsFeature implements Feature {

    /** The JSON answers of the API, by their component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    private static final Logger log = LoggerFactory.getLogger(ReportsFeature.class);

    private final Reports reports;
    private final AgpPdf pdf;
    private final ReportData data;
    private final CheckinMarks marks;
    private org.jdbi.v3.core.Jdbi jdbi;

    private ReportsFeature(Reports reports, AgpPdf pdf, ReportData data, CheckinMarks marks) {
        this.marks = marks;
        this.reports = reports;
        this.pdf = pdf;
        this.data = data;
    }

    /**
     * @param readings the readings that count for statistics (excluded stretches left out), by owner and period
     * @param marks    the logbook's entries, drawn on the daily profiles (the logbook answers)
     */
    public static ReportsFeature create(Platform platform, Reports.ReadingSource readings, CheckinMarks marks) {
        AgpPdf pdf = new AgpPdf(AgpPdf.DEFAULT_FONT);
        if (!pdf.fontAvailable()) {
            log.warn("PDF reports are unavailable until the font {} is installed (Debian package fonts-wqy-microhei)",
                    AgpPdf.DEFAULT_FONT);
        }
        ReportsFeature feature = new ReportsFeature(new Reports(readings, new ReportLog(platform.jdbi()),
                platform.dataClock()), pdf, new ReportData(platform.jdbi(), platform.mapper()), marks);
        feature.jdbi = platform.jdbi();
        return feature;
    }

    /** The log of reports made, for "My data" and the export. */
    @Override
    public java.util.List<org.mqcgm.server.platform.rights.PersonalData> personalData() {
        return java.util.List.of(data);
    }

    /** The report log after 180 days, deleted by the retention job. */
    @Override
    public java.util.List<org.mqcgm.server.platform.retention.Expiry> expiries() {
        return java.util.List.of(new org.mqcgm.server.platform.retention.SqlExpiry("report-log", jdbi,
                "report_log", "created_at", "owner_id", "true"));
    }

    /**
     * The one-page AGP PDF of a person over whole local days of their zone, in their language and unit (the FHIR
     * export's DiagnosticReport); empty when PDFs are unavailable on this server (no font). Logged in the report
     * log like every PDF.
     */
    @FunctionalInterface
    public interface AgpPdfs {
        java.util.Optional<byte[]> render(org.mqcgm.server.platform.profile.Profile profile,
                                          java.time.LocalDate first, java.time.LocalDate last);
    }

    /** The port to {@link AgpPdfs}. */
    public AgpPdfs agpPdfs() {
        return (profile, first, last) -> {
            if (!pdf.fontAvailable()) {
                return java.util.Optional.empty();
            }
            java.time.ZoneId zone = profile.zone();
            ReportPeriod period = new ReportPeriod(zone, first.atStartOfDay(zone), last.plusDays(1).atStartOfDay(zone),
                    true);
            Report report = reports.build(profile.id(), period, Population.T1D_T2D, ReportLog.Format.PDF);
            org.mqcgm.server.platform.web.PageContext page = new org.mqcgm.server.platform.web.PageContext(
                    org.mqcgm.server.platform.web.Messages.of(profile.language()), "", profile.unit(), null,
                    "/api/v1/reports/agp.pdf");
            ReportView view = ReportView.of(report, page.msg(), page.unit(), new ReportCharts(true), AgpPdf.MAX_DAYS);
            return java.util.Optional.of(pdf.render(view, page, java.time.format.DateTimeFormatter
                    .ofPattern("uuuu-MM-dd HH:mm xxx").format(report.generatedAt().atZone(zone))));
        };
    }

    /**
     * A person's AGP report shown read-only to someone they shared it with without an account (a clinician link):
     * the page without the period form, and the one-page PDF, over whole local days of the person's zone in the
     * viewer's language; each is logged in the report log like every report.
     */
    public interface SharedReports {

        /**
         * Renders the report page of {@code owner} from {@code first} to {@code last}.
         *
         * @param page    the viewer's page context (language, and the unit to show)
         * @param heading whose report it is, as the person chose to be named
         * @param note    a line under the heading (e.g. until when the link opens)
         * @param pdfUrl  the address of the same report as PDF
         */
        void page(io.javalin.http.Context ctx, org.mqcgm.server.platform.web.PageContext page,
                  org.mqcgm.server.platform.profile.Profile owner, java.time.LocalDate first,
                  java.time.LocalDate last, String heading, String note, String pdfUrl);

        /** The PDF of the same report; empty when PDFs are unavailable on this server (no font). */
        java.util.Optional<byte[]> pdf(org.mqcgm.server.platform.profile.Profile owner, java.time.LocalDate first,
                                       java.time.LocalDate last, org.mqcgm.server.platform.web.Language language);
    }

    /** The port to {@link SharedReports}. */
    public SharedReports sharedReports() {
        org.mqcgm.server.platform.web.Pages pages = new org.mqcgm.server.platform.web.Pages();
        return new SharedReports() {
            @Override
            public void page(io.javalin.http.Context ctx, org.mqcgm.server.platform.web.PageContext page,
                             org.mqcgm.server.platform.profile.Profile owner, java.time.LocalDate first,
                             java.time.LocalDate last, String heading, String note, String pdfUrl) {
                java.time.ZoneId zone = owner.zone();
                ReportPeriod period = new ReportPeriod(zone, first.atStartOfDay(zone),
                        last.plusDays(1).atStartOfDay(zone), true);
                Report report = reports.build(owner.id(), period, Population.T1D_T2D, ReportLog.Format.HTML);
                ReportView view = ReportView.of(report, page.msg(), page.unit(), new ReportCharts(false),
                        Integer.MAX_VALUE);
                pages.render(ctx, page, "reports/shared.jte", java.util.Map.of("view", view, "heading", heading,
                        "note", note, "pdfUrl", pdfUrl));
            }

            @Override
            public java.util.Optional<byte[]> pdf(org.mqcgm.server.platform.profile.Profile owner,
                                                  java.time.LocalDate first, java.time.LocalDate last,
                                                  org.mqcgm.server.platform.web.Language language) {
                return agpPdfs().render(new org.mqcgm.server.platform.profile.Profile(owner.id(), owner.label(),
                        language, owner.unit(), owner.zone(), owner.targets()), first, last);
            }
        };
    }

    /**
     * The port to a person's anonymised metrics of their last N days (the community attaches them to a post).
     *
     * @param zones each person's home zone, which defines their local days
     */
    public org.mqcgm.server.platform.snapshot.MetricSnapshots snapshots(
            java.util.function.Function<java.util.UUID, java.time.ZoneId> zones) {
        return new Snapshots(reports, zones);
    }

    @Override
    public void routes(Routes routes, Web web) {
        new ReportRoutes(reports, web.profiles(), web.pages(), web.contexts(), pdf, marks).register(routes);
    }
}
