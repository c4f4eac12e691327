package org.mqcgm.server.transfers;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.rights.CgmData;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.security.Reconfirmation;

/**
 * Direct transfer of a person's data to a third party they designate (PR-71): their FHIR bundle to a FHIR server,
 * or their readings to a Nightscout site, with their credential for it, through the outbound gateway (https only,
 * no redirect followed), after a fresh password (and code) confirmation. Every transfer is logged and listed to the
 * person: {@code POST/GET /api/v1/me/transfers}, Settings → Transfer ({@code /settings/transfer}).
 */
public final class TransfersFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;


    /**
     * A transfer still {@code running} this long after it started was interrupted (its node stopped): the sweeper
     * marks it failed. A live one ends within {@link Transfers#BUDGET} plus one request's bound.
     */
    static final java.time.Duration INTERRUPTED_AFTER = Transfers.BUDGET.plusMinutes(5);

    private final TransferRoutes routes;
    private final TransferLog log;
    private final Platform platform;

    private TransfersFeature(TransferRoutes routes, TransferLog log, Platform platform) {
        this.routes = routes;
        this.log = log;
        this.platform = platform;
    }

    public static TransfersFeature create(Platform platform, Reconfirmation reconfirmation, CgmData source) {
        return create(platform, reconfirmation, source, person -> false);
    }

    /** As {@link #create(Platform, Reconfirmation, CgmData)}, refusing transfers of minors (PR-78). */
    public static TransfersFeature create(Platform platform, Reconfirmation reconfirmation, CgmData source,
                                          java.util.function.Predicate<java.util.UUID> minor) {
        TransferLog log = new TransferLog(platform.jdbi());
        Transfers transfers = new Transfers(source, platform.outbound().egress(), log, platform.mapper(),
                platform.systemClock());
        transfers.minors(minor);
        return new TransfersFeature(new TransferRoutes(transfers, log, reconfirmation, platform.json(),
                platform.outbound().http()), log, platform);
    }

    /** Every hour (and when the scheduler first starts): transfers whose node stopped are marked "interrupted". */
    @Override
    public List<Jobs.Job> jobs() {
        return List.of(new Jobs.Job("sweep-interrupted-transfers", java.time.Duration.ofHours(1), () -> {
            java.time.Instant now = platform.systemClock().instant();
            return log.sweep(now.minus(INTERRUPTED_AFTER), now);
        }));
    }

    /** The person's transfer log: when, what kind, the destination's host, how it ended (never a credential). */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(new Category("transfers", log.count(owner),
                        "sending your data to a service you designated (your right to have it transmitted)",
                        "you: each transfer you asked for", "this server's PostgreSQL database (the destination's "
                        + "host name only; your credential for it is never stored)"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                List<java.util.Map<String, Object>> rows = log.all(owner).stream().map(t -> {
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("id", t.id());
                    m.put("at", t.at());
                    m.put("finished", t.finishedAt());
                    m.put("kind", t.kind());
                    m.put("destination", t.destination());
                    m.put("status", t.status());
                    m.put("readings", t.readings());
                    m.put("requests", t.requests());
                    m.put("failure", t.failure());
                    return m;
                }).toList();
                archive.json(platform.mapper(), "transfers.json", "Your transfers to other services: "
                        + "when, what kind (fhir or nightscout), the destination's host name, how it ended and how "
                        + "many readings arrived (never your credential). JSON array, newest first.", rows);
            }
        });
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes, web);
    }
}
