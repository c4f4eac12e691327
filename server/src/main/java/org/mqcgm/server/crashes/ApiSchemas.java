package org.mqcgm.server.crashes;

import java.util.List;
import java.util.Map;

/**
 * The JSON of the crash-report API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.of(
            "CrashReportRequest", CrashReportRequest.class,
            "CrashReportReceipt", CrashReportReceipt.class,
            "CrashGroups", CrashGroups.class,
            "CrashGroup", CrashGroup.class,
            "CrashConsent", CrashConsent.class);

    private ApiSchemas() {
    }

    /**
     * What an app sends when it fails ({@code POST /api/v1/crash-reports}, at most 64 KB). Everything is scrubbed
     * before it is stored.
     *
     * @param source     {@code web} or {@code collector}
     * @param installId  a random UUID the app made for itself once (not an account id, not a device id)
     * @param appVersion the app's version, e.g. {@code 0.12.0} (optional)
     * @param platform   a short description such as {@code Android 14 / Chrome 131} (optional)
     * @param kind       the error's kind, e.g. {@code TypeError} or {@code java.lang.IllegalStateException}
     * @param message    the error's message
     * @param stack      the stack trace (optional)
     */
    record CrashReportRequest(String source, String installId, String appVersion, String platform, String kind,
                              String message, String stack) {
    }

    /**
     * The answer: the report's id and its group.
     *
     * @param group the signature of the fault: reports of the same fault share it
     */
    record CrashReportReceipt(String id, String group) {
    }

    /** Whether the account takes crash reports now ({@code GET /api/v1/crash-reports/consent}). */
    record CrashConsent(boolean granted) {
    }

    /** The groups of crash reports (operators: {@code GET /api/v1/admin/crash-reports}), most recently seen first. */
    record CrashGroups(List<CrashGroup> groups) {
    }

    /**
     * One fault, with its newest report (scrubbed).
     *
     * @param reports  reports of the last 90 days
     * @param installs distinct installs that reported it
     */
    record CrashGroup(String signature, String source, String kind, String firstSeen, String lastSeen, long reports,
                      long installs, String appVersion, String platform, String message, String stack) {
        static CrashGroup of(CrashReports.Group g) {
            return new CrashGroup(g.signature(), g.source(), g.kind(), g.firstSeen().toString(),
                    g.lastSeen().toString(), g.reports(), g.installs(), g.example().appVersion(),
                    g.example().platform(), g.example().message(), g.example().stack());
        }
    }
}
