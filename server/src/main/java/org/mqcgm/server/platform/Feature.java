package org.mqcgm.server.platform;

import java.util.List;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;

/**
 * One feature of the server (accounts, glucose, reports, privacy, …): the seam every feature plugs in through.
 * A feature is built once by its own factory from the {@link Platform} and the narrow ports it needs from other
 * features, keeps its classes package-private, and tells the composition root three things: its routes, its
 * recurring jobs and what to close at shutdown. Adding a feature is one line in {@code App}'s list.
 */
public interface Feature extends AutoCloseable {

    /** Registers the feature's routes, each with its access rule, using the shared web toolkit. */
    void routes(Routes routes, Web web);

    /** The feature's recurring jobs (run once per schedule across all nodes). */
    default List<Jobs.Job> jobs() {
        return List.of();
    }

    /**
     * What the feature holds about a person, for "My data" and the export (empty when it holds nothing personal).
     */
    default List<org.mqcgm.server.platform.rights.PersonalData> personalData() {
        return List.of();
    }

    /**
     * How the feature deletes or anonymises its expired rows, one {@link org.mqcgm.server.platform.retention.Expiry}
     * per retention category it holds (the daily retention job calls them, honouring legal holds).
     */
    default List<org.mqcgm.server.platform.retention.Expiry> expiries() {
        return List.of();
    }

    /** Stops what the feature started (streams, listeners); called before the HTTP server and the pool close. */
    @Override
    default void close() {
    }
}
