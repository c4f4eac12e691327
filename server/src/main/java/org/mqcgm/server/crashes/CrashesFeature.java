package org.mqcgm.server.crashes;

import java.util.List;
import java.util.Map;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;

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

    /** Daily: reports older than 90 days, and faults left without reports, are deleted. */
    @Override
    public List<Jobs.Job> jobs() {
        return List.of(Jobs.daily("purge-crash-reports", reports::purge));
    }

    /** Stored reports (tests). */
    CrashReports reports() {
        return reports;
    }
}
