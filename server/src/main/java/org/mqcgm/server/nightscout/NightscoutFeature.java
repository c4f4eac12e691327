package org.mqcgm.server.nightscout;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.security.NightscoutAuth;

/**
 * The Nightscout API (issue 14, docs/nightscout.md): what xDrip+, Juggluco, Loop, Trio, AAPS and the followers speak,
 * per wearer, private by default. Each client gets its own credential ({@code /api/v1/nightscout/credentials},
 * Settings → Nightscout clients); {@link #auth()} answers {@code Access.Nightscout} routes in {@code AccessControl}.
 * Entries are our readings (the glucose feature's store, through {@link Glucose}): an upload lands where every other
 * upload lands (deduplicated, encrypted, live on Today, alerts).
 */
public final class NightscoutFeature implements Feature {

    /** The JSON of the credentials API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /** The glucose feature's readings, as the Nightscout API needs them. */
    public interface Glucose {
        /** Stores readings as an upload does (duplicates by second ignored); how many were new. */
        int store(UUID owner, List<Reading> readings);

        /** Readings with {@code from <= time < to}, oldest first. */
        List<Reading> range(UUID owner, Instant from, Instant to);

        /** The newest reading at or before {@code notAfter}. */
        Optional<Reading> latest(UUID owner, Instant notAfter);

        /** Deletes the readings with {@code from <= time < to}; how many. */
        int delete(UUID owner, Instant from, Instant to);
    }

    /**
     * @param publicUrl the address users reach the server at (the site URL shown to paste into clients)
     */
    public record Settings(String publicUrl) {
    }

    private final NsCredentials credentials;
    private final NsAuth auth;
    private final CredentialRoutes credentialRoutes;
    private final NsApiRoutes apiRoutes;
    private final List<java.util.function.Consumer<Routes>> moreRoutes;
    private final NsPages pages;

    private NightscoutFeature(NsCredentials credentials, NsAuth auth, CredentialRoutes credentialRoutes,
                              NsApiRoutes apiRoutes, List<java.util.function.Consumer<Routes>> moreRoutes) {
        this.credentials = credentials;
        this.auth = auth;
        this.credentialRoutes = credentialRoutes;
        this.apiRoutes = apiRoutes;
        this.moreRoutes = moreRoutes;
        this.pages = new NsPages(credentialRoutes, credentials);
    }

    /**
     * @param glucose  the readings (entries)
     * @param logbook  the check-ins (treatments of the kinds the logbook has)
     * @param profiles the wearer's unit and targets (status)
     */
    public static NightscoutFeature create(Platform platform, Settings settings, Glucose glucose,
                                           org.mqcgm.server.platform.logbook.LogbookEntries logbook,
                                           Profiles profiles) {
        NsCredentials credentials = new NsCredentials(platform.jdbi(), platform.systemClock());
        credentials.listen(platform.notifications());
        NsAuth auth = new NsAuth(credentials, platform.secrets().pseudonym("nightscout-jwt", "hs256"),
                platform.systemClock());
        NsDocuments documents = new NsDocuments(platform.jdbi(), platform.userKeys(), platform.secrets(),
                platform.mapper(), platform.dataClock());
        // API v3 and v2 properties (their own classes, registered after the v1 routes)
        NsTreatmentLog treatmentLog = new NsTreatmentLog(platform.jdbi(), logbook, platform.mapper());
        NsV3Routes v3 = new NsV3Routes(glucose, documents, auth, platform.mapper(), platform.dataClock(),
                platform.systemClock()).withTreatmentLog(treatmentLog);
        NsPropertiesRoutes properties = new NsPropertiesRoutes(glucose, documents, profiles, platform.mapper(),
                platform.dataClock());
        return new NightscoutFeature(credentials, auth,
                new CredentialRoutes(credentials, platform.json(), settings.publicUrl()),
                new NsApiRoutes(glucose, documents, treatmentLog,
                        auth, credentials, profiles, platform.mapper(), platform.dataClock(), platform.systemClock()),
                List.of(v3::register, properties::register));
    }

    /** Who a Nightscout request's credentials belong to (for {@code AccessControl}). */
    public NightscoutAuth auth() {
        return auth;
    }

    @Override
    public void routes(Routes routes, Web web) {
        credentialRoutes.register(routes);
        apiRoutes.register(routes);
        moreRoutes.forEach(r -> r.accept(routes));
        pages.register(routes, web);
    }
}
