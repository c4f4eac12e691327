package org.mqcgm.server.crashes;

import java.util.List;
import java.util.Map;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;

/**
 * First-party crash reports (PR-50), instead of a third-party crash SDK: the web app's reporter (in
 * {@code app.js}, on only while the person consents to crash reports) and the collector send what failed to
 * {@code POST /api/v1/crash-reports}; it is scrubbed of personal data before it is stored ({@link Scrubber}), tied
 * to a random install id and never to the account, grouped by fault, listed to operators with counts, and deleted
 * after 90 days.
 */
public final class CrashesFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    private final CrashReports reports;
    private final CrashRoutes routes;

    private CrashesFeature(CrashReports reports, CrashRoutes routes) {
        this.reports = reports;
        this.routes = routes;
    }

    public static CrashesFeature create(Platform platform) {
        CrashReports reports = new CrashReports(platform.jdbi(), platform.systemClock());
        return new CrashesFeature(reports, new CrashRoutes(reports, platform.json(), platform.consents(),
                platform.systemClock()));
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes);
    }

    /** Reports older than 90 days, and faults left without reports, are deleted by the retention job. */
    @Override
    public List<org.mqcgm.server.platform.retention.Expiry> expiries() {
        return List.of(new org.mqcgm.server.platform.retention.Expiry() {
            @Override
            public String category() {
                return "crash-reports";
            }

            @Override
            public int purge(java.time.Instant cutoff, org.mqcgm.server.platform.retention.Holds holds) {
                return holds.wholeCategory() ? 0 : reports.purge(cutoff);
            }

            @Override
            public java.util.Optional<java.time.Instant> oldest(org.mqcgm.server.platform.retention.Holds holds) {
                return holds.wholeCategory() ? java.util.Optional.empty() : reports.oldest();
            }
        });
    }

    /** Stored reports (tests). */
    CrashReports reports() {
        return reports;
    }
}
