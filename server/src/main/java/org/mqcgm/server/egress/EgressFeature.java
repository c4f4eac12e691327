package org.mqcgm.server.egress;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.egress.Egress;
import org.mqcgm.server.platform.egress.Recipients;
import org.mqcgm.server.platform.egress.Residency;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/**
 * Where personal data is kept and who receives it (PR-43, PR-44, PR-46, PR-47, PR-48, PR-49, PR-80, PR-82): the
 * public list of third parties generated from the recipient registry, each person's choices about declared
 * recipients and their egress log, the hourly feeds to declared recipients through the gateway
 * ({@link org.mqcgm.server.platform.egress.Egress}), and the operators' storage inventory.
 */
public final class EgressFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /** A person's readings in {@code [from, to)} (glucose answers). */
    @FunctionalInterface
    public interface ReadingSource {
        List<Reading> range(UUID owner, Instant from, Instant to);
    }

    private final Platform platform;
    private final Egress egress;
    private final EgressRoutes routes;
    private final Feeds feeds;

    private EgressFeature(Platform platform, Egress egress, EgressRoutes routes, Feeds feeds) {
        this.platform = platform;
        this.egress = egress;
        this.routes = routes;
        this.feeds = feeds;
    }

    /**
     * @param readings what the readings feed sends
     * @param stores   the deployment's stores of personal data with their regions (the inventory)
     */
    public static EgressFeature create(Platform platform, ReadingSource readings, List<Residency.Store> stores) {
        Egress egress = platform.outbound().egress();
        return new EgressFeature(platform, egress, new EgressRoutes(egress, List.copyOf(stores)),
                new Feeds(platform.jdbi(), egress, platform.consents(), readings, platform.dataClock()));
    }

    /** Refuses third-party transfers of minors: their consent to a recipient and every feed to one (PR-78). */
    public void minors(java.util.function.Predicate<java.util.UUID> minor) {
        routes.minors(minor);
        feeds.minors(minor);
    }

    /**
     * The registry, read-only: every declared recipient, per purpose ({@code forPurpose}). A record of processing
     * lists recipients through it.
     */
    public Recipients recipients() {
        return egress;
    }

    /** The gateway (tests in this package). */
    Egress egress() {
        return egress;
    }

    /** Runs the feeds to declared recipients now (the hourly job does; tests call it). */
    public int runFeeds() {
        return feeds.run();
    }

    /** The egress log is kept three years (retention category {@code egress-log}). */
    @Override
    public List<org.mqcgm.server.platform.retention.Expiry> expiries() {
        return List.of(new org.mqcgm.server.platform.retention.SqlExpiry("egress-log", platform.jdbi(), "egress_log",
                "at", "owner_id", "true"));
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(new Jobs.Job("egress-feeds", Duration.ofHours(1), feeds::run));
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes, web);
    }

    /** The person's egress log (no data, only what went where). */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(new Category("egress-log", egress.logCount(owner),
                        "showing you every transfer of your data out of this server (and every one refused)",
                        "you", "this server's PostgreSQL database (recipient, host, purpose, categories, counts; "
                        + "never the data)"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                archive.json(platform.mapper(), "egress-log.json", "Every transfer of your data out of this server "
                        + "and every one refused: when, to whom, what for, which categories, how many records, the "
                        + "outcome. JSON array, newest first.", egress.log(owner, Integer.MAX_VALUE));
            }
        });
    }
}
