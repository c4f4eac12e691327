package org.mqcgm.server.transfers;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
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

    /** Where a transfer's data comes from (the FHIR feature makes the bundles). */
    public interface Source {

        /** Receives one FHIR transaction bundle (JSON) with {@code readings} readings. */
        @FunctionalInterface
        interface BundleSink {
            void accept(byte[] bundleJson, int readings) throws IOException;
        }

        /** Receives readings, oldest first. */
        @FunctionalInterface
        interface ReadingSink {
            void accept(List<Reading> readings) throws IOException;
        }

        /** The person's FHIR bundle in transaction bundles of at most {@code maxReadings} readings. */
        int bundles(UUID owner, int maxReadings, BundleSink sink) throws IOException;

        /** Every reading of the person since the first. */
        void readings(UUID owner, ReadingSink sink) throws IOException;
    }

    private final TransferRoutes routes;

    private TransfersFeature(TransferRoutes routes) {
        this.routes = routes;
    }

    public static TransfersFeature create(Platform platform, Reconfirmation reconfirmation, Source source) {
        TransferLog log = new TransferLog(platform.jdbi());
        Transfers transfers = new Transfers(source, platform.outbound().http(), log, platform.mapper(),
                platform.systemClock());
        return new TransfersFeature(new TransferRoutes(transfers, log, reconfirmation, platform.json(),
                platform.outbound().http()));
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes, web);
    }
}
