package org.mqcgm.server.sharing;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.security.Grant;
import org.mqcgm.server.platform.security.Grants;
import org.mqcgm.server.platform.security.ReadLog;
import org.mqcgm.server.platform.security.ShareScope;

/**
 * Sharing with people the wearer chooses (issue 12; PR-24, PR-44, PR-55): a wearer invites a follower by e-mail,
 * phone or a one-time link, choosing what is shared (live glucose, history and reports, logbook, photos, alerts),
 * how far back and until when; the follower accepts with their own account and sees the person's data under
 * {@code /people/{person}/…}; either side ends it at once. It answers {@link Grants} for the one access check and
 * keeps "who saw my data" ({@link ReadLog}).
 */
public final class SharingFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /**
     * @param publicUrl    the address of the web app, for invitation links
     * @param maxFollowers how many shares (active or invited) one wearer may have at once
     */
    public record Settings(String publicUrl, int maxFollowers) {
    }

    private final Platform platform;
    private final Shares shares;
    private final AccessLog log;
    private final Sharing sharing;
    private final Grants grants;

    private final Function<UUID, Optional<Reading>> latest;
    private final Supplier<List<ReadLog>> otherReadLogs;

    private SharingFeature(Platform platform, Shares shares, AccessLog log, Sharing sharing,
                           Function<UUID, Optional<Reading>> latest, Supplier<List<ReadLog>> otherReadLogs) {
        this.platform = platform;
        this.latest = latest;
        this.otherReadLogs = otherReadLogs;
        this.shares = shares;
        this.log = log;
        this.sharing = sharing;
        this.grants = new Grants() {
            @Override
            public Optional<Grant> active(UUID person, UUID grantee) {
                return shares.active(person, grantee);
            }

            @Override
            public void recordRead(Grant grant, ShareScope scope, String what) {
                log.record(grant, scope, what);
            }
        };
    }

    /**
     * @param profiles      how people are shown (a follower to the wearer, a wearer to their followers), their
     *                      language
     * @param latest        a person's latest reading (the glucose feature answers), for "People I follow"
     * @param otherReadLogs the reads of a person's data other features record (clinician links), listed with this
     *                      feature's own in "Who saw my data"
     */
    public static SharingFeature create(Platform platform, Profiles profiles, Function<UUID, Optional<Reading>> latest,
                                        Supplier<List<ReadLog>> otherReadLogs, Settings settings) {
        Shares shares = new Shares(platform.jdbi(), platform.userKeys(), platform.consents(), platform.systemClock(),
                platform.dataClock(), settings.maxFollowers());
        AccessLog log = new AccessLog(platform.jdbi(), platform.userKeys(), platform.systemClock());
        Sharing sharing = new Sharing(shares, profiles, platform.outbound(), settings.publicUrl(),
                platform.systemClock());
        return new SharingFeature(platform, shares, log, sharing, latest, otherReadLogs);
    }

    /** Who may see whose data (the port {@code AccessControl} asks). */
    public Grants grants() {
        return grants;
    }

    /**
     * Whether the person shares {@code scope} with someone (an active share or an open invitation), e.g. the
     * logbook: its forms warn before saving contact details a follower would see (PR-90).
     */
    public boolean sharesWithSomeone(UUID person, ShareScope scope) {
        return shares.sharesInForce(person, scope);
    }

    /**
     * The followers a person shares {@code scope} with now (accepted, in force, under the person's consent to
     * sharing): the alerts feature escalates an unacknowledged urgent low to those who share alerts.
     */
    public List<UUID> followersSharing(UUID person, ShareScope scope) {
        return shares.granteesOf(person, scope);
    }

    /** Reads of a person's data by their followers ("who saw my data"). */
    public ReadLog readLog() {
        return log;
    }

    @Override
    public void routes(Routes routes, Web web) {
        new ShareApiRoutes(sharing, log, platform.json(), platform.clientAddress(), platform.systemClock())
                .register(routes);
        new SharingPages(sharing, log, () -> java.util.stream.Stream.concat(java.util.stream.Stream.of((ReadLog) log),
                otherReadLogs.get().stream()).toList(), latest, platform.consents(), platform.clientAddress(),
                platform.systemClock(), platform.dataClock()).register(routes, web);
    }

    /** The shares a person gave, those they follow, and the log of reads of their data by others. */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(
                        new Category("shares", shares.countGiven(owner), "sharing your data with people you chose",
                                "you: each invitation you made, and who accepted it",
                                "this server's PostgreSQL database (whom you invited and who accepted encrypted with"
                                        + " your key)"),
                        new Category("following", shares.countFollowing(owner),
                                "seeing the data of people who share with you (and the shares that ended)", "the people who invited you",
                                "this server's PostgreSQL database"),
                        new Category("share-reads", log.count(owner),
                                "showing you who saw your data (who, what, when; never the data)",
                                "the server, at each read of your data by a follower",
                                "this server's PostgreSQL database"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                Instant now = platform.systemClock().instant();
                archive.json(platform.mapper(), "sharing/shares.json",
                        "The shares you gave: whom you invited, who accepted, what "
                        + "you shared, from when, until when, and how each ended. JSON array, newest first.",
                        shares.given(owner).stream().map(s -> ShareApiRoutes.view(s, now)).toList());
                archive.json(platform.mapper(), "sharing/following.json",
                        "The people who share or shared their data with you: their id, what they share, until when, "
                        + "and for an ended share when it ended. JSON array.",
                        shares.followed(owner).stream().map(s -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("person", s.owner().toString());
                            m.put("scopes", s.scopeIds());
                            m.put("until", s.until() == null ? null : s.until().toString());
                            m.put("historyDays", s.historyDays());
                            m.put("accepted", s.accepted() == null ? null : s.accepted().toString());
                            m.put("status", s.status(now));
                            m.put("ended", s.ended() == null ? null : s.ended().toString());
                            return m;
                        }).toList());
                archive.json(platform.mapper(), "sharing/access-log.json",
                        "Who saw your data: each read by a follower (who, what, "
                        + "which address, first and last time within a minute, how many). JSON array, newest first.",
                        log.all(owner, Instant.EPOCH, Integer.MAX_VALUE).stream().map(r -> new ApiSchemas.ShareRead(
                                r.first().toString(), r.last().toString(), r.reads(), r.share().toString(),
                                r.who(), r.scope(), r.route())).toList());
            }
        });
    }
}
